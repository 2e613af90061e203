"""A patient who leaves a question unanswered at home is told to answer it, not shown the scoring rule or the
answer codes; staff still see the rule and the allowed values."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PHQ9_WITHOUT_ITEM_4 = {f"phq9_{i}": "not_at_all" for i in range(1, 10) if i != 4}


def _post(client, patient):
    return client.post(reverse("assessments:administer", args=[patient.pk, "phq9"]), PHQ9_WITHOUT_ITEM_4)


def test_the_patient_sees_please_answer_this_question_and_no_codes(patients, client_for):
    response = _post(client_for(patients["ana_user"]), patients["ana"])
    page = response.content.decode()
    assert response.status_code == 422 and "Please answer this question." in page
    assert "missing-data rule" not in page and "not_at_all" not in page.split("Please answer this question.")[0][-400:]


def test_staff_see_the_rule_and_the_allowed_answers(staff, patients, client_for):
    page = _post(client_for(staff["nurse"]), patients["ana"]).content.decode()
    assert "no missing-data rule" in page and "not_at_all" in page


def test_the_crisis_help_on_the_result_page_is_the_clinics_list(patients, client_for):
    from ketaflow.clinic.assessments.catalogue import CRISIS_HELP

    answers = {f"phq9_{i}": "not_at_all" for i in range(1, 9)} | {"phq9_9": "several_days"}
    client = client_for(patients["ana_user"])
    response = client.post(reverse("assessments:administer", args=[patients["ana"].pk, "phq9"]), answers, follow=True)
    page = response.content.decode()
    assert 'id="crisis-info"' in page
    assert all(line.replace("&", "&amp;") in page for line in CRISIS_HELP)
