from tests.sift_helpers import sift_campaign
from recruit.services import scoring

def test_explore(make_user):
    admin = make_user(role="admin")
    s = sift_campaign(admin, applications=6, members=2, keep_criteria=3)
    c = s.campaign
    print("scale", [(p.value, p.label) for p in c.scale.points], c.discrepancy_threshold, c.overall_pass_mark)
    for cr in c.criteria:
        ch = scoring.indicator_choices(cr)
        print(cr.code, cr.name, cr.weight, cr.pass_mark, cr.is_lead, cr.at_sift, cr.at_interview, len(ch["effective"]), len(ch["ineffective"]))
    print([a.reference for a in s.applications], c.status)
