"""Tickets meet end users (seed 001, "Fusion de tickets quand un appel porte sur un ticket
existant"; ZT-MRG-4, 6, ZT-ID-10): merging a ticket into another, and matching a ticket to
its requester later. Pure rules, each in one function:

* :func:`merge` — a ticket made by a call about an existing issue is merged into the existing
  ticket (ZT-MRG-6): the target takes the merged ticket's calls (its voice comments) and
  comments; the merged ticket is closed and points at the target. A ticket is never merged
  into itself, nor twice, nor into a ticket that was itself merged away or is closed.
* :func:`top_after_merge` — the number at the top of the target afterwards: the number that
  created the merged ticket when that ticket has a voice comment (ZT-MRG-4), else the
  target's own.
* :func:`with_requester` — a ticket's requester set to an end user afterwards, as an agent
  matches an unknown caller's ticket to a profile (ZT-ID-10).
* :func:`requester_after_user_merge` — a ticket whose requester was merged into another end
  user is that user's (ZT-MRG-5), as the calls linked to the merged user are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import Conflict, InvalidField
from .tickets import Comment, Ticket, TicketRequester, TicketStatus


@dataclass(frozen=True)
class TicketMerge:
    """What a merge leaves: the merged ticket (closed, no calls) and the target."""

    source: Ticket
    target: Ticket


def check_merge(source: Ticket, target: Ticket) -> None:
    """Refuse a merge that cannot be, naming the ticket at fault (nothing is changed)."""
    if source.id == target.id:
        raise InvalidField("into", f"ticket {source.id} cannot be merged into itself")
    if source.merged_into is not None:
        raise Conflict(
            f"ticket {source.id} was already merged into ticket {source.merged_into}",
            field="id",
        )
    if target.merged_into is not None:
        raise Conflict(
            f"ticket {target.id} was merged into ticket {target.merged_into} and no longer"
            " exists to merge into",
            field="into",
        )
    if target.status is TicketStatus.CLOSED:
        raise Conflict(f"ticket {target.id} is closed: nothing can be merged into it", field="into")


def top_after_merge(source: Ticket, target: Ticket) -> str:
    """The number the target's top shows after ``source`` is merged into it (ZT-MRG-4): the
    number that created the merged ticket when it holds a voice comment, else the target's."""
    return source.shown_number if source.calls else target.shown_number


def merge(
    source: Ticket, target: Ticket, source_note: Comment, target_note: Comment
) -> TicketMerge:
    """Merge ``source`` into ``target`` (ZT-MRG-4, 6).

    The target takes the source's calls and comments, after its own, and ``target_note``
    saying so; the source keeps its comments, gets ``source_note``, is closed and points at
    the target. Refused (see :func:`check_merge`) before anything changes.
    """
    check_merge(source, target)
    merged_target = replace(
        target,
        calls=(*target.calls, *source.calls),
        comments=(*target.comments, *source.comments, target_note),
        shown_number=top_after_merge(source, target),
    )
    closed = replace(
        source,
        calls=(),
        comments=(*source.comments, source_note),
        status=TicketStatus.CLOSED,
        merged_into=target.id,
    )
    return TicketMerge(closed, merged_target)


def with_requester(ticket: Ticket, requester: TicketRequester) -> Ticket:
    """``ticket`` with ``requester`` as its requester (ZT-ID-10); a merged ticket is refused."""
    if ticket.merged_into is not None:
        raise Conflict(
            f"ticket {ticket.id} was merged into ticket {ticket.merged_into}: set the requester"
            " there",
            field="id",
        )
    return replace(ticket, requester=requester.name, requester_id=requester.id)


def requester_after_user_merge(ticket: Ticket, target: TicketRequester) -> Ticket:
    """``ticket`` as it reads once its requester was merged into ``target`` (ZT-MRG-5)."""
    return replace(ticket, requester=target.name, requester_id=target.id)
