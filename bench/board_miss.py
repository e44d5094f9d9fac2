"""What the chair's board costs after an assessor submits a score: where the stage's items stand, read whole, or
brought up to date from the kept standings by reading again only the application the score changed (the report
data change log, models/report_data.py); and what logging the change adds to the submit itself.

    .venv/bin/python bench/board_miss.py [--applications 2000] [--repeat 20]

Creates a throwaway PostgreSQL database on the server named by --server (or DATABASE_URL, or the local one) and
fills it as bench/load.py does (bench/load_seed.py: one Band D campaign at the sift, 6 criteria, a panel of 3). Then,
--repeat times each:

- the submit: a panel member submits one score through the real page (POST, as bench/profile_pages.py does), with
  every SQL statement counted and timed, the change log's own statements apart;
- the board's miss after it, brought up to date (progress.load with the standings of the version before kept; the
  campaign and its criteria loaded beforehand, untimed);
- the same miss read whole (progress.load with nothing kept: what every miss cost before the change log);
- the board's agreement figures' miss (quality.counted_scores), brought up to date and read whole.

Each figure is the wall time and the CPU time of this process (PostgreSQL's own work shows in the wall time only).
Every miss brought up to date is checked to have read no whole stage, and to equal the fresh read exactly.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_seed import throwaway_database
from profile_pages import DEFAULT_SERVER, Browser, Counter, seeded_app, sign_in, steps
from sqlalchemy import event

from recruit.extensions import db
from recruit.services.assessment import kept, progress, quality
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.campaigns.stages import stage_criteria


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


class Statements:
    """Every statement run, with its time; those on the change log apart."""

    def __init__(self) -> None:
        self.count = self.logged = 0
        self.logged_ms = 0.0
        self._started = 0.0

    def before(self, conn, cursor, statement, *args) -> None:
        self._started = time.perf_counter()

    def after(self, conn, cursor, statement, *args) -> None:
        self.count += 1
        if "report_data_changes" in statement:
            self.logged += 1
            self.logged_ms += (time.perf_counter() - self._started) * 1000


def summary(name: str, figures: list[tuple[float, float]]) -> None:
    walls, cpus = [wall for wall, _ in figures], [cpu for _, cpu in figures]
    print(
        f"{name:<48} wall {statistics.median(walls):7.2f} ms (range {min(walls):.2f}-{max(walls):.2f})"
        f"   CPU {statistics.median(cpus):7.2f} ms (range {min(cpus):.2f}-{max(cpus):.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print where the misses brought up to date spend time")
    args = parser.parse_args()

    with throwaway_database(args.server) as url:
        chair, assessor, app = seeded_app(url, args.applications)
        clients = [Browser(app), Browser(app)]
        for person, client in zip((assessor, chair), clients, strict=True):
            sign_in(client, person["email"], person["totp_secret"])
        submit = next(step for step, _ in steps(assessor, chair, *clients) if step.name == "score submitted (POST)")
        counter, statements = Counter(), Statements()
        figures: dict[str, list[tuple[float, float]]] = {}
        counts: list[tuple[int, int, float]] = []
        profiler = cProfile.Profile()
        try:
            with app.app_context():
                campaign_id = chair["campaign_id"]

                def standings() -> tuple[tuple[float, float], progress.StageProgress]:
                    campaign = load_campaign(campaign_id)
                    criteria = stage_criteria(campaign, "sift")
                    found: list[progress.StageProgress] = []
                    return timed(lambda: found.append(progress.load(campaign, "sift", criteria))), found[0]

                def agreement() -> tuple[tuple[float, float], list[tuple[int, ...]]]:
                    campaign = load_campaign(campaign_id)
                    ids = [c.id for c in campaign.criteria_at("sift")]
                    found: list[quality.ScoreTable] = []
                    spent = timed(lambda: found.append(quality.counted_scores(campaign, "sift", ids)))
                    table = found[0]
                    columns = (table.application_ids, table.criterion_ids, table.assessor_ids, table.values)
                    return spent, sorted(zip(*(column.tolist() for column in columns), strict=True))

                whole_reads = []
                read_whole = progress.read

                def counted_read(*args: object) -> progress.StageProgress:
                    whole_reads.append(args)
                    return read_whole(*args)

                progress.read = counted_read

                for n in range(args.repeat + 2):  # the first two warm up
                    standings(), agreement()  # kept at the version before the submit
                    db.session.remove()
                    method, path, data, expected = submit.prepare(counter.take(submit.name))
                    event.listen(db.engine, "before_cursor_execute", statements.before)
                    event.listen(db.engine, "after_cursor_execute", statements.after)
                    statements.__init__()
                    answers = []
                    wall, cpu = timed(
                        lambda p=path, m=method, d=data, a=answers: a.append(clients[0].open(p, method=m, data=d))
                    )
                    event.remove(db.engine, "before_cursor_execute", statements.before)
                    event.remove(db.engine, "after_cursor_execute", statements.after)
                    if answers[0].status_code != expected:
                        raise SystemExit(f"{method} {path} answered {answers[0].status_code}, not {expected}")
                    if args.profile and n >= 2:
                        profiler.enable()
                    reads_before = len(whole_reads)
                    brought = standings(), agreement()
                    profiler.disable()
                    db.session.remove()
                    if len(whole_reads) != reads_before:
                        raise SystemExit("The board's miss after a submit read the whole stage")
                    kept.forget_all()
                    whole = standings(), agreement()
                    db.session.remove()
                    # Another session's commit, brought in: exactly what reading the stage afresh gives.
                    if brought[0][1] != whole[0][1] or brought[1][1] != whole[1][1]:
                        raise SystemExit("The standings or counted scores brought up to date differ from a fresh read")
                    if n < 2:
                        continue
                    figures.setdefault("submit POST", []).append((wall, cpu))
                    counts.append((statements.count, statements.logged, statements.logged_ms))
                    for name, pair in (("brought up to date", brought), ("read whole", whole)):
                        figures.setdefault(f"board standings miss, {name}", []).append(pair[0][0])
                        figures.setdefault(f"agreement scores miss, {name}", []).append(pair[1][0])
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    print(f"\n{args.applications} applications × 6 criteria, {args.repeat} submits")
    for name, pairs in figures.items():
        summary(name, pairs)
    print(
        f"submit POST statements: {statistics.median(c for c, _, _ in counts):.0f} in all, of which "
        f"{max(logged for _, logged, _ in counts)} at most on the change log, taking "
        f"{statistics.median(ms for _, _, ms in counts):.3f} ms (range {min(ms for *_, ms in counts):.3f}-"
        f"{max(ms for *_, ms in counts):.3f})"
    )
    if args.profile:
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(30)
        stats.print_callees("progress.py.*(update|_read)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
