"""The ACR criteria pages render their numeric items (symptom duration, counts) as labelled number inputs,
not as radio lists (they answered 500)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("instrument", ["acr_fm_2010", "acr_fm_2011", "acr_fm_2016"])
def test_the_acr_page_renders_numeric_items_as_labelled_number_inputs(staff, patients, client_for, instrument):
    url = reverse("assessments:administer", args=[patients["ana"].pk, instrument])
    page = client_for(staff["nurse"]).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="number" name="symptom_duration_months"' in html
    assert 'for="id_symptom_duration_months"' in html
