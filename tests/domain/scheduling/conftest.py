import pytest
from scheduling_helpers import calendar


@pytest.fixture
def clinic():
    return calendar()
