"""An in-memory Jira with the Jira Agile client's interface
(integrations/jira_agile.py), for tests of the board's rules and storage that
need no HTTP: issues, sprints and ranks held in lists, with the same test
hooks as the emulator (`go_down`, `come_up`, `change`, `seed`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from collections.abc import Sequence

from canvas.errors import TrackerRefused, TrackerUnavailable


@dataclass(frozen=True)
class JiraCard:
    key: str
    id: str
    url: str
    summary: str
    description: str
    issue_type: str
    status: str
    priority: str | None
    story_points: float | None
    assignee: str | None
    labels: tuple[str, ...]
    sprint_id: int | None
    rank: str | None
    updated: str


@dataclass(frozen=True)
class JiraSprint:
    id: int
    name: str
    state: str
    goal: str
    start_date: str | None
    end_date: str | None


TRANSITIONS = {"Ready": "Ready", "Won't Do": "Won't Do", "Done": "Done", "To Do": "To Do"}


class FakeJira:
    def __init__(self, project: str = "PLAT"):
        self.project = project
        self.issues: dict[str, JiraCard] = {}
        self.order: list[str] = []  # rank, first is highest
        self.sprint_list: list[JiraSprint] = []
        self.velocity = [20.0, 24.0, 22.0]
        self.down = False
        self.clock = 0
        self.calls: list[str] = []

    # test hooks
    def _stamp(self) -> str:
        self.clock += 1
        return f"2026-12-07T10:{self.clock // 60:02d}:{self.clock % 60:02d}.000+0000"

    def seed(self, count: int, *, sprint_id: int | None = None) -> list[str]:
        made = []
        for _ in range(count):
            number = len(self.issues) + 1
            key = f"{self.project}-{number}"
            self.issues[key] = JiraCard(key=key, id=str(10000 + number), url=f"https://jira.example/browse/{key}",
                                        summary=f"Issue {number}", description="", issue_type="Story",
                                        status="To Do", priority="Medium", story_points=None, assignee=None,
                                        labels=(), sprint_id=sprint_id, rank=None, updated=self._stamp())
            self.order.append(key)
            made.append(key)
        return made

    def add_sprint(self, sprint_id: int, name: str, state: str, goal: str = "") -> None:
        self.sprint_list.append(JiraSprint(sprint_id, name, state, goal, None, None))

    def go_down(self) -> None:
        self.down = True

    def come_up(self) -> None:
        self.down = False

    def change(self, key: str, **fields) -> None:
        self.issues[key] = replace(self.issues[key], **fields, updated=self._stamp())

    def _check(self, call: str) -> None:
        if self.down:
            raise TrackerUnavailable("Jira", "connection refused")
        self.calls.append(call)

    def _ranked(self, keys) -> list[JiraCard]:
        return [self.issues[key] for key in self.order if key in keys]

    # the client's interface
    def backlog(self, board_id: int) -> list[JiraCard]:
        self._check("backlog")
        return [card for card in self._ranked(self.issues) if card.sprint_id is None]

    def search(self, jql: str) -> list[JiraCard]:
        self._check("search")
        return self._ranked(self.issues)

    def sprints(self, board_id: int, states=("active", "future", "closed")) -> list[JiraSprint]:
        self._check("sprints")
        return [sprint for sprint in self.sprint_list if sprint.state in states]

    def sprint_issues(self, sprint_id: int) -> list[JiraCard]:
        self._check("sprint_issues")
        return [card for card in self._ranked(self.issues) if card.sprint_id == sprint_id]

    def closed_sprint_velocity(self, board_id: int, last: int = 3) -> list[float]:
        self._check("velocity")
        return self.velocity[-last:]

    def get(self, key: str) -> JiraCard:
        self._check("get")
        if key not in self.issues:
            raise TrackerRefused("Jira", f"issue {key} does not exist")
        return self.issues[key]

    def rank(self, keys: Sequence[str], *, before: str | None = None, after: str | None = None) -> None:
        self._check("rank")
        for key in keys:
            self.order.remove(key)
        at = self.order.index(before) if before else self.order.index(after) + 1
        self.order[at:at] = list(keys)

    def move_to_sprint(self, sprint_id: int, keys: Sequence[str]) -> None:
        self._check("move_to_sprint")
        for key in keys:
            self.change(key, sprint_id=sprint_id)

    def move_to_backlog(self, keys: Sequence[str]) -> None:
        self._check("move_to_backlog")
        for key in keys:
            self.change(key, sprint_id=None)

    def update(self, key: str, *, summary=None, description=None, labels=None, story_points=None) -> JiraCard:
        self._check("update")
        fields = {name: value for name, value in (("summary", summary), ("description", description),
                                                  ("story_points", story_points)) if value is not None}
        if labels is not None:
            fields["labels"] = tuple(labels)
        self.change(key, **fields)
        return self.issues[key]

    def transitions(self, key: str) -> list[tuple[str, str]]:
        self._check("transitions")
        return [(str(index), name) for index, name in enumerate(TRANSITIONS)]

    def transition(self, key: str, name: str) -> None:
        self._check("transition")
        if name not in TRANSITIONS:
            raise TrackerRefused("Jira", f"no transition named {name!r} for {key}")
        self.change(key, status=TRANSITIONS[name])

    def create(self, project: str, *, summary: str, issue_type: str, description: str = "", labels=(),
               story_points=None) -> JiraCard:
        self._check("create")
        [key] = self.seed(1)
        self.change(key, summary=summary, issue_type=issue_type, description=description,
                    labels=tuple(labels), story_points=story_points)
        return self.issues[key]

    def set_sprint_goal(self, sprint_id: int, goal: str) -> JiraSprint:
        self._check("goal")
        for index, sprint in enumerate(self.sprint_list):
            if sprint.id == sprint_id:
                self.sprint_list[index] = replace(sprint, goal=goal)
                return self.sprint_list[index]
        raise TrackerRefused("Jira", f"sprint {sprint_id} does not exist")
