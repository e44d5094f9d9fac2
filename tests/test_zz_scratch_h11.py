from tests.sift_helpers import sift_campaign, score
from tests.conftest import parse, error_messages
from recruit.services import scoring
from recruit.models import Score, Indicator

def test_explore(make_user, forms, client):
    admin = make_user(role="admin")
    s = sift_campaign(admin, applications=2, members=1, keep_criteria=2)
    c = s.campaign; a = s.applications[0]; cr = c.criteria[0]
    url = f"/assess/{c.id}/sift/{a.reference}/{cr.code}"
    forms.sign_in(s.chair)
    r = forms.submit(url, {"value": "9", "rationale": "Good", "version": "0", "submit_score": "Submit score"})
    print(r.status_code, error_messages(parse(r)))
    other = c.criteria[1]
    bad = scoring.indicator_choices(other)["effective"][0].id
    r = forms.submit(url, {"value": "5", "effective": str(bad), "rationale": "Good", "version": "0", "submit_score": "Submit score"})
    print(r.status_code, error_messages(parse(r)))
    print(Score.query.count())
