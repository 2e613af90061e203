"""Infusion session charting rules: lifecycle, vitals alerts and cadence, rate changes, the check-in
and discharge gates. Pure: values in, results out; ``now`` is always a parameter."""
