"""The PDF engine: what a report may fetch, and page ranges rendered in parallel joined into one tagged PDF."""

from __future__ import annotations

import io

import pikepdf
import pytest
from markupsafe import escape
from pypdf import PdfReader

from recruit.services.reports.pdf import rendering
from recruit.services.reports.pdf.fetching import STATIC_ROOT, FetchRefused, StaticOnlyFetcher
from recruit.services.reports.pdf.rendering import render_pdf, render_pdf_parallel
from recruit.services.reports.pdf.splitting import SplitError, split_html

HOSTILE = (
    '<img src="file:///etc/passwd"> <script>alert(1)</script> '
    '<link rel="stylesheet" href="https://attacker.example/x.css"> https://attacker.example/track.png'
)


def report_html(rows: int, statement: str = "", extra_head: str = "", *, linked: bool = False) -> str:
    """A report with a long table; `linked`: each row's reference a link (an annotation on the page)."""

    def reference(n: int) -> str:
        return f'<a href="https://example.org/REF{n:04d}">REF{n:04d}</a>' if linked else f"REF{n:04d}"

    body = "".join(
        f"<tr><th scope='row'>{reference(n)}</th><td>{n % 7 + 1}</td><td>{(n * 3) % 7 + 1}</td>"
        f"<td>{n % 5 + 2}</td></tr>"
        for n in range(rows)
    )
    return f"""<!doctype html><html lang="en-GB"><head><title>Test report</title>{extra_head}<style>
@page {{ size: A4; margin: 20mm 15mm; @top-left {{ content: "CAMP1 OFFICIAL-SENSITIVE"; }}
         @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }} }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }}
table {{ width: 100%; table-layout: fixed; border-collapse: collapse; }} td, th {{ border: 1px solid #000; }}
</style></head><body><main>
<h1>Test report</h1>
<section><h2>Statement</h2><p id="statement">{escape(statement)}</p></section>
<section><h2>Scores</h2><table data-split><caption>Scores by reference</caption>
<thead><tr><th scope="col">Reference</th><th scope="col">A</th><th scope="col">B</th><th scope="col">Agreed</th></tr></thead>
<tbody>{body}</tbody></table></section>
<section><h2>Moderation log</h2><p>Closing words of the report.</p></section>
</main></body></html>"""


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# The fetcher ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:5432/",
        "https://attacker.example/x.css",
        "https://recruit.invalid/etc/passwd",
        "https://recruit.invalid/static/../../../../etc/passwd",
        "https://recruit.invalid/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "https://recruit.invalid/static/recruit.js?x=1",
        "https://recruit.invalid/static/no-such-file.css",
        "data:text/html,<p>hi</p>",
        "ftp://example.org/file",
    ],
)
def test_the_fetcher_refuses_anything_but_the_apps_static_files(url):
    with pytest.raises(Exception) as refused:
        StaticOnlyFetcher().fetch(url)
    assert isinstance(refused.value, (FetchRefused, ValueError))


def test_the_fetcher_serves_a_static_file_and_inline_images():
    fetcher = StaticOnlyFetcher()
    served = fetcher.fetch("https://recruit.invalid/static/recruit.js")
    assert served.read() == (STATIC_ROOT / "recruit.js").read_bytes()
    inline = fetcher.fetch("data:image/svg+xml;base64,PHN2Zy8+")
    assert inline.read() == b"<svg/>"


def test_hostile_text_in_a_report_is_printed_as_text_and_nothing_is_fetched(monkeypatch):
    asked = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    # A hostile head element too (as if a template let one through): it is refused, not fetched.
    data = render_pdf(report_html(3, HOSTILE, '<link rel="stylesheet" href="file:///etc/passwd">'), title="Test report")
    text = "".join(texts(data))
    assert '<img src="file:///etc/passwd">' in text
    assert "<script>alert(1)</script>" in text
    assert "https://attacker.example/track.png" in text
    assert "root:" not in text
    # The only URL asked for was the refused stylesheet: the escaped text made no requests at all.
    assert asked == ["file:///etc/passwd"]


# Splitting and joining --------------------------------------------------------------------------------------------


def test_the_html_is_cut_between_rows_and_every_row_is_kept_once():
    html = report_html(40)
    parts = split_html(html, 3)
    assert len(parts) == 3
    rows = [[line for line in part.split("<tr>") if line.startswith("<th scope='row'>")] for part in parts]
    references = [row[len("<th scope='row'>") :][:7] for part in rows for row in part]
    assert references == [f"REF{n:04d}" for n in range(40)]
    for part in parts:
        # Each range is a whole document; the table's header is repeated in each range holding rows.
        assert part.startswith("<!doctype html>") and part.rstrip().endswith("</html>")
        assert part.count("<thead>") == part.count("<table data-split>") == 1
    assert "<h1>Test report</h1>" in parts[0] and "<h1>Test report</h1>" not in parts[1]
    assert "Closing words" in parts[-1] and "Closing words" not in parts[0]


def test_html_that_cannot_be_cut_is_rendered_whole():
    with pytest.raises(SplitError):
        split_html("<html><body><main><section><p>unclosed</main></body></html>", 2)
    with pytest.raises(SplitError):
        split_html("<html><body><p>no main</p></body></html>", 2)
    data = render_pdf_parallel(
        "<html lang='en-GB'><head><title>T</title></head><body><p>no main</p></body></html>", title="T", workers=2
    )
    assert "no main" in texts(data)[0]


@pytest.fixture(scope="module")
def joined():
    html = report_html(150, HOSTILE)
    return render_pdf(html, title="Test report"), render_pdf_parallel(html, title="Test report", workers=3)


def test_the_joined_pdf_has_every_row_and_numbers_every_page(joined):
    naive, parallel = joined
    pages = texts(parallel)
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "CAMP1 OFFICIAL-SENSITIVE" in text
    everything = "\n".join(pages)
    for n in range(150):
        assert everything.count(f"REF{n:04d}") == 1
    assert (
        everything.index("Test report")
        < everything.index("REF0000")
        < everything.index("REF0149")
        < everything.index("Closing words")
    )
    # The header row is repeated on every page the table runs on.
    assert all("Reference" in text for text in pages[:-1])


def test_the_joined_pdf_is_tagged_with_one_structure_tree(joined):
    _, parallel = joined
    with pikepdf.open(io.BytesIO(parallel)) as document:
        root = document.Root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(document.docinfo.Title) == "Test report"
        with document.open_metadata() as metadata:
            assert metadata["dc:title"] == "Test report"
            assert metadata.get("pdfuaid:part") == "1"
        tree = root.StructTreeRoot
        nums = tree.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert len(keys) == len(set(keys)) and int(tree.ParentTreeNextKey) > max(keys)
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for index, page in enumerate(document.pages):
            # Each page's marked content maps to structure elements on that same page.
            elements = by_key[int(page.obj.StructParents)]
            assert len(elements) > 0
            for element in elements:
                assert pages[element.Pg.objgen] == index
        tags = []

        def walk(element):
            tags.append(str(element.S))
            for kid in element.get("/K", []):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    walk(kid)

        walk(tree.K[0])
        # One document element holding every range's tables, rows and header cells.
        assert tags[0] == "/Document" and tags.count("/Table") >= 3 and tags.count("/TH") >= 150
        assert tags.count("/H1") == 1
        # The page numbers are page furniture: marked as artifacts, outside the tagged content.
        overlay = document.pages[0].obj.Resources.XObject
        streams = [overlay[name].read_bytes() for name in overlay.keys() if overlay[name].get("/Subtype") == "/Form"]
        assert any(stream.startswith(b"/Artifact BMC") for stream in streams)


def test_the_joined_pdf_keeps_the_outline(joined):
    naive, parallel = joined
    with pikepdf.open(io.BytesIO(naive)) as one, pikepdf.open(io.BytesIO(parallel)) as joined_pdf:
        with one.open_outline() as first, joined_pdf.open_outline() as second:
            assert [item.title for item in first.root] == [item.title for item in second.root]
            assert (
                [child.title for child in second.root[0].children]
                == [child.title for child in first.root[0].children]
                == ["Statement", "Scores", "Moderation log"]
            )


def test_the_joined_pdf_passes_qpdfs_check_and_pypdf_reads_it(joined):
    naive, parallel = joined
    with pikepdf.open(io.BytesIO(parallel)) as document:
        assert document.check_pdf_syntax() == []
        pages = len(document.pages)
    reader = PdfReader(io.BytesIO(parallel), strict=True)
    assert len(reader.pages) == pages
    assert reader.metadata is not None and reader.metadata.title == "Test report"
    # Object streams and a cross-reference stream keep it about the size of one render's PDF.
    assert len(parallel) < 1.5 * len(naive)


def parent_tree(document: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    nums = document.Root.StructTreeRoot.ParentTree.Nums
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys)), "a parent-tree key is used twice"
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def test_links_on_every_range_keep_their_place_in_the_structure_tree():
    data = render_pdf_parallel(report_html(150, linked=True), title="Test report", workers=3)
    with pikepdf.open(io.BytesIO(data)) as document:
        assert document.check_pdf_syntax() == []
        by_key = parent_tree(document)
        links = []
        for page in document.pages:
            for annotation in page.obj.get("/Annots", []):
                # The link's structure element is the one whose object reference names this annotation, and it is
                # on this page.
                element = by_key[int(annotation.StructParent)]
                assert element.S == "/Link"
                references = [kid for kid in element.K if isinstance(kid, pikepdf.Dictionary)]
                assert [kid.Obj.objgen for kid in references] == [annotation.objgen]
                assert element.Pg.objgen == page.objgen
                links.append(str(annotation.A.URI))
        # Every row's link, once, from each of the three ranges.
        assert links == [f"https://example.org/REF{n:04d}" for n in range(150)]
        assert len({int(page.obj.StructParents) for page in document.pages}) == len(document.pages)


def test_ranges_that_arrive_out_of_order_are_joined_in_order(monkeypatch):
    def last_first(tasks, workers, arrived, **options):
        """The ranges laid out here, the last one finishing first."""
        done = [(index, task()) for index, task in tasks]
        tasks.clear()
        for index, result in reversed(done):
            arrived(index, result)

    monkeypatch.setattr(rendering, "run_forked", last_first)
    told = []
    data = render_pdf_parallel(
        report_html(150), title="Test report", workers=3, progress=lambda done, total: told.append((done, total))
    )
    pages = texts(data)
    everything = "\n".join(pages)
    positions = [everything.index(f"REF{n:04d}") for n in range(150)]
    assert positions == sorted(positions)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    assert told[-1][0] == told[-1][1]
    with pikepdf.open(io.BytesIO(data)) as document:
        assert document.check_pdf_syntax() == []
        with document.open_outline() as outline:
            assert [child.title for child in outline.root[0].children] == ["Statement", "Scores", "Moderation log"]
