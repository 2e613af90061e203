"""Disposition rate constants λ and unit-bolus coefficients A of a mammillary model (pk.md §3.3).

In concentration space the model is dc/dt = V⁻¹·M·c with M the symmetric matrix of clearances, so
S = V^(-1/2)·M·V^(-1/2) is symmetric with eigenvalues −λ. With S = U·diag(−λ)·Uᵀ the plasma response
to a unit bolus is Σ A_i·e^(−λ_i·t) with A_i = U_1i² / V1: never negative, and no 1/(λ_j − λ_i)
terms, so nothing is lost when two λ are close (the textbook partial-fraction form would be).
``numpy.linalg.eigh`` takes a stack of matrices, so all patients go in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ketaflow.domain.errors import DomainValidationError


@dataclass(frozen=True)
class Disposition:
    """λ (…, n) in 1/min, fastest first, and A (…, n) in 1/L; Σ A = 1/V1."""

    lambda_per_min: np.ndarray
    coef_per_l: np.ndarray


def disposition(volumes_l, clearances_l_per_min, method: str = "eigh") -> Disposition:
    """λ and A for volumes (…, n) [V1, V2, V3] in L and clearances (…, n) [CL, Q2, Q3] in L/min.

    ``method`` "eigh" uses LAPACK; "jacobi" a compiled batched Jacobi for 3 compartments (same
    numbers to ~1e-15, far less per-matrix overhead for large populations; other sizes use eigh).
    """
    v = np.asarray(volumes_l, dtype=float)
    q = np.asarray(clearances_l_per_min, dtype=float)
    if v.shape != q.shape or v.shape[-1] < 1:
        raise DomainValidationError("volumes_l", f"shape {v.shape} must equal clearances shape {q.shape}", "(..., n)")
    if np.any(~np.isfinite(v)) or np.any(v <= 0) or np.any(~np.isfinite(q)) or np.any(q <= 0):
        raise DomainValidationError("parameters", "volumes and clearances must be finite and > 0", "> 0")
    n = v.shape[-1]
    if method == "jacobi" and n == 3:
        from ketaflow.domain.pk.kernels import mammillary3_disposition_numba

        flat_v, flat_q = np.ascontiguousarray(v.reshape(-1, 3)), np.ascontiguousarray(q.reshape(-1, 3))
        lam, coef = np.empty(flat_v.shape), np.empty(flat_v.shape)
        mammillary3_disposition_numba(flat_v, flat_q, lam, coef)
        return Disposition(lambda_per_min=lam.reshape(v.shape), coef_per_l=coef.reshape(v.shape))
    m = np.zeros(v.shape + (n,))
    m[..., 0, 0] = -q.sum(axis=-1)
    for j in range(1, n):
        m[..., 0, j] = m[..., j, 0] = q[..., j]
        m[..., j, j] = -q[..., j]
    inv_sqrt_v = 1.0 / np.sqrt(v)
    s = m * inv_sqrt_v[..., :, None] * inv_sqrt_v[..., None, :]
    eigenvalues, vectors = np.linalg.eigh(s)  # ascending, i.e. most negative (fastest λ) first
    return Disposition(lambda_per_min=-eigenvalues, coef_per_l=vectors[..., 0, :] ** 2 / v[..., :1])
