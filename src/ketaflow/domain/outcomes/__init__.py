"""Outcomes: baseline, IMMPACT response, relapse, booster/review proposals, diary schedule, survival.

Every decision returns a frozen result carrying its inputs (plain dict), rule version and Source, so the
shell stores what was decided next to why.
"""
