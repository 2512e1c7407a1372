"""Backlog refinement and sprint planning with Jira in real Chromium, three
people (Fran facilitates, Ann and Bob) against the emulated Jira Software
site: 30 issues imported on opening, reordered by dragging, five estimated
in blind rounds, one split, two sprints planned over capacity and back
under. Then Jira holds exactly what the boards show."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.jira_board import JiraBoardSettings
from canvas.models import BoardDraft
from integrations import jira_board_sync
from storage import facilitation, jira_cards, participants
from storage.db import connect
from tests.e2e.conftest import app_server, settle
from tests.e2e.test_live_board import LOW_CONTRAST_JS, box
from tests.jira_agile_emulator import JiraAgileEmulator

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NAMES = ("Fran", "Ann", "Bob")
SIZES = ((1440, 900), (1024, 768), (1440, 900))


def make_board(db, title: str, template: str, settings: JiraBoardSettings):
    """A board of Jira cards with Fran facilitating and Ann and Bob joined; what each browser remembers."""
    started = facilitation.start_board(db, BoardDraft(title=title, facilitator_name="Fran", template=template))
    board_id = started.board.id
    jira_cards.make_jira_board(db, board_id, settings)
    seats = [{f"postmortem-canvas:{board_id}": started.token,
              f"postmortem-canvas:facilitator:{board_id}": started.facilitator_key}]
    seats += [{f"postmortem-canvas:{board_id}": participants.join_board(db, board_id, name)[1]}
              for name in NAMES[1:]]
    return board_id, seats


def open_board(pages, url: str, board_id: str) -> None:
    for page in pages:
        page.goto(f"{url}/?board={board_id}")
    for page in pages:
        settle(page)
        page.locator(".pc-connection-live").wait_for(timeout=30_000)


def column(page, key: str):
    return page.locator(f'.pc-jira-column[data-column="{key}"] .pc-jira-card')


def card(page, issue: str):
    return page.locator(f'.pc-jira-card[data-issue="{issue}"]')


def order(page, key: str) -> list[str]:
    return column(page, key).evaluate_all("cards => cards.map(c => c.dataset.issue)")


def drag(page, source, target) -> None:
    """Press on a card, move past the drag threshold, and release on the upper part of `target`."""
    source.scroll_into_view_if_needed()
    start, end = box(source), box(target)
    # On the summary: the card's key above it is a link, which a press follows instead.
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 28)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 8, start["y"] + 38, steps=2)
    page.mouse.move(end["x"] + 40, end["y"] + 10, steps=8)
    page.mouse.up()


def round_button(page, value: str):
    return page.locator(".pc-jira-round").get_by_role("button", name=value, exact=True)


def screenshot(page, name: str) -> None:
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}-{width}.png"), animations="disabled")


def test_three_people_refine_and_plan_two_sprints_and_jira_matches_the_boards(new_person, tmp_path):
    with JiraAgileEmulator() as jira:
        jira.seed(30, points=False)
        active, future = jira.add_sprint("Sprint 1", "active"), jira.add_sprint("Sprint 2", "future")
        with app_server(tmp_path / "jira.db", jira.env()) as (port, _):
            url = f"http://127.0.0.1:{port}"
            with connect(tmp_path / "jira.db") as db:
                refine_id, refine_seats = make_board(db, "Refinement", "backlog-refinement", JiraBoardSettings(
                    kind="refinement", source_board=1, ready_transition="Start progress", drop_value="Drop"))
                plan_id, plan_seats = make_board(db, "Planning", "sprint-planning",
                                                 JiraBoardSettings(kind="planning", source_board=1))
            pages = []
            for (width, height), *remembered in zip(SIZES, refine_seats, plan_seats):
                page = new_person(width, height)
                stored = {k: v for seat in remembered for k, v in seat.items()}
                page.context.add_init_script("".join(
                    f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in stored.items()))
                pages.append(page)
            fran, ann, bob = pages

            # Opening the board pulls the 30 issues in, in Jira's rank.
            open_board(pages, url, refine_id)
            for page in pages:
                expect(column(page, "to-refine")).to_have_count(30)
            assert order(bob, "to-refine")[:3] == ["OPS-1", "OPS-2", "OPS-3"]

            # Reordering by dragging sets Jira's rank; everyone sees it.
            drag(fran, card(fran, "OPS-3"), card(fran, "OPS-1"))
            expect(column(ann, "to-refine").first).to_have_attribute("data-issue", "OPS-3")
            drag(ann, card(ann, "OPS-2"), card(ann, "OPS-3"))
            expect(column(bob, "to-refine").first).to_have_attribute("data-issue", "OPS-2")
            assert jira.ranked()[:4] == ["OPS-2", "OPS-3", "OPS-1", "OPS-4"]

            # Five blind rounds: hidden until Fran reveals, then settled.
            rounds = {"OPS-5": ("3", "5", "5"), "OPS-6": ("1", "2", "2"), "OPS-7": ("8", "8", "8"),
                      "OPS-8": ("2", "3", "3"), "OPS-9": ("5", "8", "8")}
            for number, (issue, (ann_says, bob_says, settled)) in enumerate(rounds.items()):
                fran.get_by_role("button", name=f"Estimate {issue}").click()
                expect(ann.locator(".pc-jira-round-title")).to_contain_text(issue)
                round_button(ann, ann_says).click()
                expect(bob.locator(".pc-jira-round-title")).to_contain_text(issue)
                round_button(bob, bob_says).click()
                expect(fran.locator(".pc-jira-round")).to_contain_text("2 estimates in, hidden until revealed: Ann, Bob")
                if number == 0:
                    # Blind for everyone, the facilitator too.
                    expect(fran.locator(".pc-jira-estimate")).to_have_count(0)
                    expect(ann.locator(".pc-jira-estimate")).to_have_count(0)
                fran.get_by_role("button", name="Reveal estimates").click()
                expect(bob.locator(".pc-jira-estimate")).to_have_count(2)
                if number == 0:
                    expect(ann.locator(".pc-jira-estimates")).to_contain_text("Bob5")
                    screenshot(fran, "jira-refinement")
                    screenshot(ann, "jira-refinement")
                    assert fran.locator(".pc-jira").evaluate(LOW_CONTRAST_JS) == []
                fran.get_by_role("button", name=f"Settle {settled}", exact=True).click()
                expect(card(bob, issue).locator(".pc-jira-points")).to_have_text(f"{settled} pts")
            expect(fran.locator(".pc-jira-round")).to_have_count(0)

            # Ann splits OPS-10 in two: new issues where it stood, it goes to Split.
            card(ann, "OPS-10").scroll_into_view_if_needed()
            ann.get_by_role("button", name="Split OPS-10").click()
            ann.locator('[data-focus="jira-split:' + card_id(ann, "OPS-10") + '"]').fill("Read side\nWrite side")
            ann.get_by_role("button", name="Split into new issues").click()
            expect(column(bob, "split")).to_have_count(1)
            expect(card(fran, "OPS-32")).to_contain_text("Write side")
            expect(column(fran, "to-refine")).to_have_count(31)

            # Planning: the same three on the planning board.
            open_board(pages, url, plan_id)
            for page in pages:
                expect(page.locator(".pc-jira-column")).to_have_count(3)
            expect(column(fran, "backlog")).to_have_count(32)
            sprint1, sprint2 = f"sprint-{active}", f"sprint-{future}"
            for page, sprint, person, points in ((ann, active, "Ann", "6"), (bob, future, "Bob", "8")):
                page.get_by_label("Person, Sprint " + str(1 if sprint == active else 2)).fill(person)
                field = page.get_by_label("Capacity in points, Sprint " + str(1 if sprint == active else 2))
                field.fill(points)
                field.press("Enter")
            expect(fran.locator(f'.pc-jira-column[data-column="{sprint1}"] .pc-jira-capacity')).to_have_text(
                "0 of 6 pts committed")
            expect(fran.locator(f'.pc-jira-column[data-column="{sprint2}"] .pc-jira-capacity')).to_have_text(
                "0 of 8 pts committed")
            # Over capacity: 8 + 5 in a sprint of 6, and 3 + 8 in a sprint of 8.
            drag(fran, card(fran, "OPS-7"), fran.locator(f'.pc-jira-list[data-column="{sprint1}"]'))
            expect(column(bob, sprint1)).to_have_count(1)
            bob.get_by_label("Move OPS-5 to").select_option(label="Sprint 1")
            ann.get_by_label("Move OPS-8 to").select_option(label="Sprint 2")
            ann.get_by_label("Move OPS-9 to").select_option(label="Sprint 2")
            for page in pages:
                expect(page.locator(".pc-jira-capacity-over")).to_have_count(2)
            expect(ann.locator(f'.pc-jira-column[data-column="{sprint1}"] .pc-jira-capacity')).to_have_text(
                "13 of 6 pts committed — over capacity by 7")
            screenshot(fran, "jira-planning")
            screenshot(ann, "jira-planning")
            # Back under: the eights go back to the backlog, one by a drag.
            drag(bob, card(bob, "OPS-7"), bob.locator('.pc-jira-list[data-column="backlog"] .pc-jira-card').first)
            fran.get_by_label("Move OPS-9 to").select_option(label="Backlog")
            for page in pages:
                expect(page.locator(".pc-jira-capacity-over")).to_have_count(0)
            fran.locator(".pc-jira-sync-queued").first.wait_for(state="detached")

            # Jira holds exactly what the boards show: each column's issues in Jira's
            # rank, every estimate, sprint, summary and status, nothing left queued.
            with connect(tmp_path / "jira.db") as db:
                jira_board_sync.sync(db, refine_id, jira_board_sync.client_from_env(jira.env()))
                boards = {kind: jira_cards.load_state(db, board_id)
                          for kind, board_id in (("refine", refine_id), ("plan", plan_id))}
            shown = {key: order(fran, key) for key in (sprint1, sprint2, "backlog")}
            for state in boards.values():
                assert state.queued == 0 and state.reachable
                for found in state.cards:
                    issue = jira.issues[found.key]
                    assert found.sync == "saved", found
                    assert (found.summary, found.story_points, found.status, found.labels) == (
                        issue["summary"], issue["story_points"], issue["status"], tuple(issue["labels"])), found.key
                columns = {}
                for found in sorted(state.cards, key=lambda c: c.position):
                    columns.setdefault(found.column, []).append(found.key)
                # Refinement reads the backlog: an issue since planned into a sprint keeps its place.
                listed = set(jira.backlog_keys()) if state.settings.kind == "refinement" else set(jira.issues)
                for keys in columns.values():
                    keys = [key for key in keys if key in listed]
                    assert keys == jira.ranked(keys)
            plan = {c.key: c for c in boards["plan"].cards}
            assert shown[sprint1] == ["OPS-5"] and shown[sprint2] == ["OPS-8"]
            assert {key: jira.issues[key]["sprint"] for key in ("OPS-5", "OPS-7", "OPS-8", "OPS-9")} == {
                "OPS-5": active, "OPS-7": None, "OPS-8": future, "OPS-9": None}
            assert shown["backlog"] == [key for key in jira.backlog_keys() if key in plan]
            assert len(shown["backlog"]) == 30
            refine = {c.key: c.column for c in boards["refine"].cards}
            assert refine["OPS-10"] == "split" and {refine["OPS-31"], refine["OPS-32"]} == {"to-refine"}


def card_id(page, issue: str) -> str:
    return card(page, issue).get_attribute("data-card")
