"""One description of a state transition for every workflow of the portal: records (M.12),
applications (R.30–R.42) and the citizen cases of complaints and consultations (M.10, M.19).

Each app keeps its table of transitions in its `workflow.py` (the back office reads it to draw
its buttons) and its `check()` (role and office); the shape of an entry is this one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A guard looks at the locked object and raises ActionRefused or StateConflict, with a message a
# person can read (often citing the article), when the transition may not happen now.
Guard = Callable[[Any], None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    # Who may act; None: whoever acts at the object's current step (records, disclosure/workflow.STEPS).
    roles: tuple[str, ...] | None
    permission: str | None = None  # needed on top of the role's own permission
    danger: bool = False
    help: str = ""
    guards: tuple[Guard, ...] = ()
    # Who may not carry it out: the person who did the step it approves (M.12(1)).
    same_person: Callable[[Any], int | None] | None = None
    same_person_message: str = ""

    def run_guards(self, obj) -> None:
        for guard in self.guards:
            guard(obj)


def transition_table(*transitions: Transition) -> dict[str, Transition]:
    """The table of a workflow, addressed by name (the Action constants of its app)."""
    table = {transition.name: transition for transition in transitions}
    if len(table) != len(transitions):
        raise ValueError("two transitions share a name")
    return table
