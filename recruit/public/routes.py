"""Routes for the public guidance pages and the health check.

The pages are served through the rendered-page cache (page_cache.py), which answers conditional requests.
"""

from flask import abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from recruit.access import public
from recruit.extensions import db
from recruit.models import Framework
from recruit.public import bp
from recruit.public.content_pages import PAGES_BY_ENDPOINT, operator_text
from recruit.public.page_cache import cached_page
from recruit.services.campaigns import vacancies
from recruit.services.frameworks import catalogue
from recruit.services.unit_of_work import discard


def _framework_or_404(slug: str) -> Framework:
    framework = catalogue.get_framework(slug)
    if framework is None:
        abort(404)
    return framework


@bp.get("/")
@public
@cached_page()
def index() -> str:
    return render_template("public/index.html")


@bp.get("/frameworks")
@public
@cached_page()
def frameworks() -> str:
    return render_template("public/frameworks.html", frameworks=catalogue.list_frameworks())


@bp.get("/frameworks/<framework_slug>")
@public
@cached_page()
def framework(framework_slug: str) -> str:
    framework = _framework_or_404(framework_slug)
    return render_template(
        "public/framework.html", framework=framework, role_profiles=catalogue.role_profiles_for(framework)
    )


@bp.get("/frameworks/<framework_slug>/competencies/<competency_slug>")
@public
@cached_page("level")
def competency(framework_slug: str, competency_slug: str) -> str:
    framework = _framework_or_404(framework_slug)
    competency = catalogue.get_competency(framework, competency_slug)
    if competency is None:
        abort(404)
    opened = None
    if "level" in request.args:
        opened = request.args.get("level", type=int)
        if opened is None or framework.level(opened) is None:
            abort(404)
    return render_template("public/competency.html", framework=framework, competency=competency, opened=opened)


@bp.get("/frameworks/<framework_slug>/grades/<grade_slug>")
@public
@cached_page()
def grade(framework_slug: str, grade_slug: str) -> str:
    framework = _framework_or_404(framework_slug)
    grade = catalogue.get_grade(framework, grade_slug)
    if grade is None:
        abort(404)
    return render_template("public/grade.html", framework=framework, grade=grade)


@bp.get("/frameworks/<framework_slug>/roles/<role_slug>")
@public
@cached_page()
def role_profile(framework_slug: str, role_slug: str) -> str:
    framework = _framework_or_404(framework_slug)
    profile = catalogue.get_role_profile(framework, role_slug)
    if profile is None:
        abort(404)
    return render_template("public/role_profile.html", framework=framework, profile=profile)


@bp.get("/vacancies")
@public
@cached_page()
def vacancies_list() -> str:
    return render_template("public/vacancies.html", vacancies=vacancies.open_vacancies())


@bp.get("/vacancies/<reference>")
@public
@cached_page()
def vacancy(reference: str) -> str:
    campaign = vacancies.public_vacancy(reference)
    if campaign is None:
        abort(404)
    return render_template(
        "public/vacancy.html", campaign=campaign, accepting=vacancies.accepting_applications(campaign)
    )


def _content_page(endpoint: str) -> str:
    page = PAGES_BY_ENDPOINT[endpoint]
    own_text = operator_text(endpoint)
    return render_template(
        "public/content_page.html",
        page=page,
        own_text=own_text.render(
            org_name=current_app.config["ORG_NAME"], service_name=current_app.config["SERVICE_NAME"]
        )
        if own_text is not None
        else None,
    )


@bp.get("/privacy")
@public
@cached_page()
def privacy() -> str:
    return _content_page("privacy")


@bp.get("/accessibility")
@public
@cached_page()
def accessibility() -> str:
    return _content_page("accessibility")


@bp.get("/cookies")
@public
@cached_page()
def cookies() -> str:
    return _content_page("cookies")


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unhealthy", never a 500
        discard()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
