"""A mock interview: which questions to ask, weighted toward what is weak, and how the run is kept.

A mock draws open questions of level 3–5 above all, across decks, each with a weight that grows with what the
reports call weak: a low predicted recall, misses after a study day, key points missed, a topic's recent
again-rate, and never having been seen. After a question its follow-ups come as the interviewer's next
questions: a follow-up that names a deck question (`FollowUp.question`) is asked as that question's card, a
plain one is answered aloud and marked answered or missed.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from quizapp.config import MockSettings
from quizapp.scheduling import AnswerMarks, Grade, ReviewScheduler, StudyCard, memory_state
from quizapp.store import tallied
from quizapp.store.connection import from_db, named, to_db
from quizapp.store.database import Database

TYPE_WEIGHT = {"open": 1.0, "cloze": 0.4, "choice": 0.25}  # an interviewer asks open questions
LEVEL_WEIGHT = {1: 0.3, 2: 0.3, 3: 1.0, 4: 1.0, 5: 1.0}  # and deep ones; a question without a level is between
NO_LEVEL_WEIGHT = 0.6
SAME_TOPIC_DAMPING = 0.5  # each question drawn halves the weight of the others of its top-level topic
TOPIC_WINDOW_DAYS = 30

_CANDIDATES = """
SELECT c.id, c.deck_id, c.topic, c.kind, c.level, c.state, c.step, c.stability, c.difficulty, c.due,
  c.last_review, coalesce(t.young_failed + t.mature_failed, 0) AS failed,
  coalesce(t.young_passed + t.mature_passed + t.young_failed + t.mature_failed, 0) AS after_a_day
FROM card c LEFT JOIN card_tally t ON t.card_id = c.id
WHERE c.retired = 0 AND c.suspended = 0 AND c.id = (SELECT min(s.id) FROM card s
  WHERE s.deck_id = c.deck_id AND s.question_id = c.question_id AND s.retired = 0 AND s.suspended = 0)"""
"""One card per question (a cloze question's first deletion), with its FSRS state and misses after a day."""
_KEY_POINTS = """
SELECT card_id, sum(points) AS points, sum(missed) AS missed FROM (
  SELECT r.card_id, count(*) AS points, sum(NOT k.recalled) AS missed
  FROM review_key_point k JOIN review r ON r.id = k.review_id GROUP BY r.card_id
  UNION ALL
  SELECT p.card_id, count(*), sum(NOT k.recalled)
  FROM practice_key_point k JOIN practice_answer p ON p.id = k.practice_id GROUP BY p.card_id)
GROUP BY card_id"""
_TOPIC_AGAIN = (
    "SELECT topic, sum(again) AS again, sum(answers) AS answers FROM topic_day_tally WHERE study_day >= :since"
    " GROUP BY topic"
)
_CARD_OF_QUESTION = (
    "SELECT id FROM card WHERE retired = 0 AND (uid = :uid OR substr(uid, 1, length(:uid) + 2) = :uid || '#c')"
    " ORDER BY id LIMIT 1"
)


@dataclass(frozen=True)
class Candidate:
    """A question a mock may ask (by its first card), with the signals that weigh it."""

    card_id: int
    topic: str
    kind: str
    level: int | None
    recall: float | None  # FSRS's predicted recall now; None: never seen
    miss_share: float  # answers Again after a study day, of those after a study day
    key_point_miss_share: float
    topic_again_rate: float  # the topic's Agains over its answers of the last 30 study days

    @property
    def weight(self) -> float:
        """How much more often than a strong question this one is drawn: 1, plus each weakness signal."""
        weak = 1.0 + 2.0 * self.miss_share + self.key_point_miss_share + self.topic_again_rate
        weak += 1.5 if self.recall is None else 2.0 * (1.0 - self.recall)
        level = LEVEL_WEIGHT.get(self.level, NO_LEVEL_WEIGHT) if self.level is not None else NO_LEVEL_WEIGHT
        return weak * TYPE_WEIGHT.get(self.kind, 1.0) * level


def candidates(scheduler: ReviewScheduler, deck_ids: Sequence[str] | None, topic: str | None) -> list[Candidate]:
    """Every question of the decks (under `topic` if given) that is neither suspended nor retired."""
    now = scheduler.now()
    since = (scheduler.memory.study_day(now) - timedelta(days=TOPIC_WINDOW_DAYS)).isoformat()
    prefix = topic.rstrip("/") + "/" if topic else None
    wanted = set(deck_ids) if deck_ids is not None else None
    tallied.bring_up_to_date(scheduler.db)  # the misses of each card and topic are tallied
    with scheduler.db.read() as conn:
        rows = named(conn).execute(_CANDIDATES).fetchall()
        points = {r["card_id"]: (r["points"], r["missed"]) for r in named(conn).execute(_KEY_POINTS)}
        topics = {r["topic"]: (r["again"], r["answers"]) for r in named(conn).execute(_TOPIC_AGAIN, {"since": since})}
    found = []
    for row in rows:
        if wanted is not None and row["deck_id"] not in wanted:
            continue
        if prefix and not (row["topic"] == prefix[:-1] or row["topic"].startswith(prefix)):
            continue
        recall = scheduler.memory.retrievability(row["id"], memory_state(row), now)
        marked, missed = points.get(row["id"], (0, 0))
        again, answers = topics.get(row["topic"], (0, 0))
        found.append(
            Candidate(
                row["id"],
                row["topic"],
                row["kind"],
                row["level"],
                recall,
                row["failed"] / row["after_a_day"] if row["after_a_day"] else 0.0,
                missed / marked if marked else 0.0,
                again / answers if answers else 0.0,
            )
        )
    return found


def draw(pool: Sequence[Candidate], count: int, rng: random.Random) -> list[Candidate]:
    """`count` questions drawn without replacement, each with a chance proportional to its weight; a drawn
    question halves the weights of its top-level topic's others, so a mock goes across topics."""
    weights = [c.weight for c in pool]
    drawn: list[Candidate] = []
    left = list(range(len(pool)))
    while left and len(drawn) < count:
        (index,) = rng.choices(left, weights=[weights[i] for i in left])
        chosen = pool[index]
        drawn.append(chosen)
        left.remove(index)
        area = chosen.topic.split("/")[0]
        for i in left:
            if pool[i].topic.split("/")[0] == area:
                weights[i] *= SAME_TOPIC_DAMPING
    return drawn


def question_count(settings: MockSettings, minutes: int) -> int:
    """How many questions a mock of `minutes` draws: one per countdown, at least one."""
    return max(1, minutes * 60 // settings.seconds_per_question)


@dataclass(frozen=True)
class Item:
    """One thing the interviewer asks: a card's question, or a plain follow-up of the card asked before."""

    card: StudyCard
    parent: int | None = None  # the mock_question id of the question it follows
    follow_up: str | None = None  # a plain follow-up's text (`card` is then its parent's card)

    @property
    def is_plain_follow_up(self) -> bool:
        return self.follow_up is not None


def suggested_grade(recalled: int, key_points: int) -> Grade:
    """The grade the key points covered suggest: all Easy... none Again (as the review screen suggests)."""
    if key_points == 0:
        return Grade.Good
    share = recalled / key_points
    if share >= 1.0:
        return Grade.Easy if key_points >= 3 else Grade.Good
    if share >= 0.6:
        return Grade.Good
    if share > 0:
        return Grade.Hard
    return Grade.Again


@dataclass
class MockRun:
    """A mock under way: the questions still to ask (follow-ups first), and its row in the database. Its writes
    take the scheduler to write with (the review screens write on a thread of their own)."""

    settings: MockSettings
    mock_id: int
    waiting: deque[Item] = field(default_factory=deque)
    asked: int = 0  # questions and follow-ups recorded
    questions_asked: int = 0  # of them, the questions drawn (not follow-ups)

    @classmethod
    def start(
        cls,
        scheduler: ReviewScheduler,
        settings: MockSettings,
        *,
        minutes: int,
        topic: str | None,
        seed: int,
        deck_ids: Sequence[str] | None = None,
    ) -> MockRun:
        """Draw the questions and keep the mock's row (its end is written by `finish`)."""
        pool = candidates(scheduler, deck_ids, topic)
        chosen = draw(pool, question_count(settings, minutes), random.Random(seed))
        with scheduler.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO mock (started_at, minutes, seconds_per_question, topic, seed, counts_as_review)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    to_db(scheduler.now()),
                    minutes,
                    settings.seconds_per_question,
                    topic,
                    seed,
                    settings.counts_as_review,
                ),
            )
        assert cursor.lastrowid is not None
        run = cls(settings, cursor.lastrowid)
        run.waiting.extend(Item(scheduler.card(c.card_id)) for c in chosen)
        return run

    @property
    def main_questions_left(self) -> int:
        return sum(1 for item in self.waiting if item.parent is None)

    def next_item(self) -> Item | None:
        """What to ask now (left waiting until `record`)."""
        return self.waiting[0] if self.waiting else None

    def record(
        self, scheduler: ReviewScheduler, item: Item, grade: Grade, seconds: float, notes: str, marks: AnswerMarks
    ) -> int:
        """Keep the answer to `item` and queue its follow-ups next. A card's answer is an FSRS review when mocks
        count as reviews (`mock.counts_as_review`), else a practice answer; a plain follow-up is kept only in the
        mock. Returns the mock_question id."""
        review_id = practice_id = None
        if not item.is_plain_follow_up:
            if self.settings.counts_as_review:
                review_id = scheduler.answer(item.card.id, grade, int(seconds * 1000), marks, mode="mock").review_id
            else:
                practice_id = scheduler.practice(item.card.id, grade, int(seconds * 1000), marks, "mock")
        points = 0 if item.is_plain_follow_up else len(item.card.question.key_points)
        recalled = sum(marks.key_points)
        with scheduler.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO mock_question (mock_id, position, card_id, parent, follow_up, seconds, notes, key_points,"
                " recalled, rating, review_id, practice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.mock_id,
                    self.asked,
                    item.card.id,
                    item.parent,
                    item.follow_up,
                    seconds,
                    notes,
                    points,
                    recalled,
                    int(grade),
                    review_id,
                    practice_id,
                ),
            )
        assert cursor.lastrowid is not None
        self.asked += 1
        self.questions_asked += item.parent is None
        if self.waiting and self.waiting[0] is item:
            self.waiting.popleft()
        if not item.is_plain_follow_up:
            self.waiting.extendleft(reversed(self._follow_ups(scheduler, item, cursor.lastrowid)))
        return cursor.lastrowid

    @staticmethod
    def _follow_ups(scheduler: ReviewScheduler, item: Item, asked_id: int) -> list[Item]:
        """The question's follow-ups, as the interviewer asks them next: a linked deck question as its card."""
        linked_cards: list[int | None] = []
        with scheduler.db.read() as conn:
            for follow_up in item.card.question.follow_ups:
                uid = follow_up.question
                row = named(conn).execute(_CARD_OF_QUESTION, {"uid": uid}).fetchone() if uid else None
                linked_cards.append(row["id"] if row is not None and row["id"] != item.card.id else None)
        follow_ups = []
        for follow_up, card_id in zip(item.card.question.follow_ups, linked_cards, strict=True):
            if card_id is not None:
                follow_ups.append(Item(scheduler.card(card_id), parent=asked_id))
            else:  # plain, or a linked question no longer there: asked as text
                text = follow_up.text or f"→ {follow_up.question}"
                follow_ups.append(Item(item.card, parent=asked_id, follow_up=text))
        return follow_ups

    def finish(self, scheduler: ReviewScheduler) -> None:
        """Write the mock's end (what was not asked is not kept)."""
        with scheduler.db.write() as conn:
            conn.execute("UPDATE mock SET ended_at = ? WHERE id = ?", (to_db(scheduler.now()), self.mock_id))


# --- the scorecard ---------------------------------------------------------------------------------------------

_ASKED = """
SELECT m.id, m.position, m.parent, m.follow_up, m.seconds, m.notes, m.key_points, m.recalled, m.rating, c.uid,
  c.topic FROM mock_question m JOIN card c ON c.id = m.card_id WHERE m.mock_id = :mock ORDER BY m.position"""
_EARLIER = """
SELECT m.id, m.started_at, count(q.id) AS asked, coalesce(sum(q.key_points), 0) AS points,
  coalesce(sum(q.recalled), 0) AS recalled, coalesce(avg(q.seconds), 0) AS seconds
FROM mock m LEFT JOIN mock_question q ON q.mock_id = m.id
WHERE m.id < :mock GROUP BY m.id HAVING count(q.id) > 0 ORDER BY m.id DESC LIMIT :limit"""


@dataclass(frozen=True)
class AskedQuestion:
    """A question of a finished mock as the scorecard lists it."""

    position: int
    uid: str
    topic: str
    follow_up: str | None  # a plain follow-up's text
    is_follow_up: bool
    seconds: float
    key_points: int
    recalled: int
    rating: int
    notes: str

    @property
    def covered(self) -> float:
        """Share of key points covered; a question without key points counts by its grade."""
        return self.recalled / self.key_points if self.key_points else (1.0 if self.rating > 1 else 0.0)


@dataclass(frozen=True)
class TopicScore:
    """A topic's part of a mock: key points covered, follow-ups answered."""

    topic: str
    questions: int
    key_points: int
    recalled: int
    follow_ups: int
    follow_ups_missed: int


@dataclass(frozen=True)
class EarlierMock:
    """A previous mock, for comparison."""

    mock_id: int
    started_at: datetime
    asked: int
    key_points: int
    recalled: int
    mean_seconds: float

    @property
    def covered(self) -> float | None:
        return self.recalled / self.key_points if self.key_points else None


@dataclass(frozen=True)
class Scorecard:
    """What a mock amounted to."""

    mock_id: int
    seconds_per_question: int
    asked: tuple[AskedQuestion, ...]
    topics: tuple[TopicScore, ...]
    earlier: tuple[EarlierMock, ...]  # newest first

    @property
    def key_points(self) -> int:
        return sum(q.key_points for q in self.asked)

    @property
    def recalled(self) -> int:
        return sum(q.recalled for q in self.asked)

    @property
    def covered(self) -> float | None:
        return self.recalled / self.key_points if self.key_points else None

    @property
    def mean_seconds(self) -> float:
        return sum(q.seconds for q in self.asked) / len(self.asked) if self.asked else 0.0

    @property
    def over_time(self) -> int:
        """Answers that took longer than the countdown."""
        return sum(1 for q in self.asked if q.seconds > self.seconds_per_question)

    def weakest(self, count: int = 3) -> list[AskedQuestion]:
        """The answers that covered least (then graded lowest, then took longest)."""
        return sorted(self.asked, key=lambda q: (q.covered, q.rating, -q.seconds))[:count]


def scorecard(db: Database, mock_id: int, earlier: int = 5) -> Scorecard:
    """The scorecard of a mock, against up to `earlier` previous ones. A follow-up counts for the topic of the
    question it followed, as in the reports."""
    with db.read() as conn:
        seconds = conn.execute("SELECT seconds_per_question FROM mock WHERE id = ?", (mock_id,)).fetchone()
        rows = named(conn).execute(_ASKED, {"mock": mock_id}).fetchall()
        before = named(conn).execute(_EARLIER, {"mock": mock_id, "limit": earlier}).fetchall()
    root: dict[int, str] = {}  # a follow-up's topic is its first question's, however long the chain
    for row in rows:  # in the order asked: a parent before its follow-ups
        root[row["id"]] = root[row["parent"]] if row["parent"] in root else row["topic"]
    asked = tuple(
        AskedQuestion(
            row["position"],
            row["uid"],
            row["topic"],
            row["follow_up"],
            row["parent"] is not None,
            row["seconds"],
            row["key_points"],
            row["recalled"],
            row["rating"],
            row["notes"],
        )
        for row in rows
    )
    by_topic: dict[str, list[int]] = {}
    for row in rows:
        t = by_topic.setdefault(root[row["id"]], [0, 0, 0, 0, 0])
        if row["parent"] is None:
            t[0] += 1
        else:
            t[3] += 1
            t[4] += row["rating"] == Grade.Again
        t[1] += row["key_points"]
        t[2] += row["recalled"]
    topics = tuple(TopicScore(topic, *figures) for topic, figures in sorted(by_topic.items()))
    previous = tuple(
        EarlierMock(r["id"], _moment(r["started_at"]), r["asked"], r["points"], r["recalled"], r["seconds"])
        for r in before
    )
    return Scorecard(mock_id, int(seconds[0]) if seconds else 240, asked, topics, previous)


def _moment(text: str) -> datetime:
    moment = from_db(text)
    assert moment is not None  # a NOT NULL column
    return moment
