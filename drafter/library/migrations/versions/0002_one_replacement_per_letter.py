"""one replacement per letter: a letter is superseded by at most one letter

Two archives for the same unit at the same moment could each supersede the
unit's current letter, leaving two "current" letters that later archives never
repaired. The database now refuses a second letter replacing the same one (a
unique index on ``letters.supersedes_id``), so the later archive retries and
replaces the letter that won instead. Letters already doubled up are repaired
first: they are chained in the order they were archived, and only the newest
stays current.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    letters = sa.table(
        "letters",
        sa.column("id", sa.Integer),
        sa.column("supersedes_id", sa.Integer),
        sa.column("status", sa.String),
    )
    actions = sa.table(
        "actions", sa.column("letter_id", sa.Integer), sa.column("status", sa.String)
    )
    commitments = sa.table(
        "commitments", sa.column("letter_id", sa.Integer), sa.column("status", sa.String)
    )
    doubled = (
        connection.execute(
            sa.select(letters.c.supersedes_id)
            .where(letters.c.supersedes_id.is_not(None))
            .group_by(letters.c.supersedes_id)
            .having(sa.func.count() > 1)
        )
        .scalars()
        .all()
    )
    for replaced in doubled:
        chain = (
            connection.execute(
                sa.select(letters.c.id)
                .where(letters.c.supersedes_id == replaced)
                .order_by(letters.c.id)
            )
            .scalars()
            .all()
        )
        for earlier, later in zip(chain, chain[1:], strict=False):
            connection.execute(
                letters.update().where(letters.c.id == later).values(supersedes_id=earlier)
            )
            connection.execute(
                letters.update()
                .where(letters.c.id == earlier, letters.c.status == "current")
                .values(status="superseded")
            )
            connection.execute(
                actions.update()
                .where(actions.c.letter_id == earlier, actions.c.status == "active")
                .values(status="superseded")
            )
            connection.execute(
                commitments.update()
                .where(commitments.c.letter_id == earlier, commitments.c.status == "open")
                .values(status="superseded")
            )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index("uq_letters_supersedes_id", ["supersedes_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("uq_letters_supersedes_id")
