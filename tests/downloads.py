"""Downloading a report as a person does. Reading a page writes nothing, so when no kept version of the report
matches the data, its address leads to a page whose button prepares one (a POST); this presses that button."""

from __future__ import annotations

from bs4 import BeautifulSoup


def _prepare_form(response):
    if response.status_code != 200 or response.mimetype != "text/html":
        return None
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("form#prepare-report")


def download(client, url: str):
    """The answer to asking for the report at `url`: the PDF, once prepared if it had to be; any other answer (a
    refusal, a page of its own) as it came."""
    response = client.get(url)
    page = url
    if response.status_code == 302:
        followed = client.get(response.location)
        if _prepare_form(followed) is None:
            return response
        response, page = followed, response.location
    form = _prepare_form(response)
    if form is None:
        return response
    token = form.select_one("input[name=csrf_token]")["value"]
    return client.post(form.get("action") or page, data={"csrf_token": token}, follow_redirects=True)
