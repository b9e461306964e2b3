"""sign-ons kept in the order of ICU's root collation (names and English country names)

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-03 22:50:00.000000

"""
from alembic import op
import icu
import pycountry
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None

_signon = sa.table('signon', sa.column('id', sa.Integer), sa.column('organization_name', sa.String),
                   sa.column('country', sa.String), sa.column('sort_key', sa.String),
                   sa.column('country_sort', sa.String))
_BATCH = 2000


def _english_country_names() -> dict:
    # written out here, as the service names countries in English today, so this step never changes
    return {c.alpha_2: getattr(c, 'common_name', None) or c.name for c in pycountry.countries}


def upgrade():
    # keys were folded text; now the root collation's key in hexadecimal (as the service writes them)
    root = icu.Collator.createInstance(icu.Locale('root'))
    countries = _english_country_names()
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(sa.select(_signon.c.id, _signon.c.organization_name, _signon.c.country)
                                  .where(_signon.c.id > last_id).order_by(_signon.c.id).limit(_BATCH)).all()
        if not rows:
            break
        connection.execute(
            _signon.update().where(_signon.c.id == sa.bindparam('row_id')),
            [{'row_id': row_id, 'sort_key': root.getSortKey(name or '').hex()[:200],
              'country_sort': root.getSortKey(countries.get(country, country or '')).hex()[:80]}
             for row_id, name, country in rows])
        last_id = rows[-1][0]


def downgrade():
    # the folded keys of before: accents and case set aside
    import unicodedata

    def fold(text):
        return ''.join(c for c in unicodedata.normalize('NFKD', (text or '').casefold()) if not unicodedata.combining(c))

    countries = _english_country_names()
    connection = op.get_bind()
    rows = connection.execute(sa.select(_signon.c.id, _signon.c.organization_name, _signon.c.country)).all()
    if rows:
        connection.execute(
            _signon.update().where(_signon.c.id == sa.bindparam('row_id')),
            [{'row_id': row_id, 'sort_key': fold(name)[:200],
              'country_sort': fold(countries.get(country, country or ''))[:80]} for row_id, name, country in rows])
