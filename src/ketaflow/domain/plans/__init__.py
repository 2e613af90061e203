"""Plan generation: sessions with doses and durations, and goals as data, from a frozen PlanSpec.

Independent of protocols/dosing on purpose: the shell passes the protocol's numbers in as plain values,
and dosing limit checks run on the generated doses afterwards.
"""
