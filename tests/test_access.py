"""Every route declares who may use it; the meta-test fails on any that does not."""

from flask import Flask

from recruit.access import public, roles, undeclared_endpoints


def test_every_route_declares_its_access(app):
    assert undeclared_endpoints(app) == []


def test_an_undeclared_route_is_caught():
    app = Flask("test_only")

    @app.get("/declared")
    @public
    def declared():
        return "ok"

    @app.get("/forgotten")
    def forgotten():
        return "oops"

    @app.get("/staff")
    @roles("admin")
    def staff():
        return "ok"

    assert undeclared_endpoints(app) == ["forgotten"]


def test_role_protected_page_refuses_other_roles(forms, client, make_user):
    forms.sign_in(make_user(role="candidate"))
    response = client.get("/admin/users")
    assert response.status_code == 403
    soup_title = response.get_data(as_text=True)
    assert "You do not have permission to see this page" in soup_title
