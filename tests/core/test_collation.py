"""Alphabetical order follows the reader's language, by ICU's collation: accents with their letter,
letters such as ø and ł with theirs, ñ after n in Spanish, Arabic script first for Arabic readers."""

from sqlalchemy import select

from statements.core import collation
from statements.extensions import db
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, listed_names, statement_by_slug

NAMES = ["Nube Colectiva", "Ñandutí Red", "Mujeres del Paraguay", "Øresund Forum", "Oasis", "Łódź Union",
         "Lima Colectivo", "منظمة الأمل", "Émile Collectif", "Ecole Libre"]


def test_each_language_has_its_own_order():
    english = collation.sorted_in(NAMES, "en", str)
    assert english == ["Ecole Libre", "Émile Collectif", "Lima Colectivo", "Łódź Union", "Mujeres del Paraguay",
                       "Ñandutí Red", "Nube Colectiva", "Oasis", "Øresund Forum", "منظمة الأمل"]
    spanish = collation.sorted_in(NAMES, "es", str)
    assert spanish.index("Nube Colectiva") < spanish.index("Ñandutí Red") < spanish.index("Oasis")
    arabic = collation.sorted_in(NAMES, "ar", str)
    assert arabic[0] == "منظمة الأمل" and arabic[1:] == english[:-1]


def test_the_stored_key_orders_as_the_root_collation_does_and_fits_its_column():
    keys = {name: collation.stored_sort_key(name, 200) for name in NAMES}
    assert sorted(NAMES, key=keys.get) == collation.sorted_in(NAMES, "root", str)
    assert all(set(key) <= set("0123456789abcdef") for key in keys.values())
    assert len(collation.stored_sort_key("Organización " * 100, 200)) == 200


def test_an_unknown_or_empty_language_falls_back_to_the_root_order():
    assert collation.sorted_in(NAMES, "xx", str) == collation.sorted_in(NAMES, "", str) == \
        collation.sorted_in(NAMES, "root", str)


def _sign(app, world, names_and_countries):
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for name, country in names_and_countries:
            add_signon(statement, name, country)
        db.session.commit()


def test_the_public_list_sorts_names_and_countries_in_the_reader_s_language(app, client, world):
    _sign(app, world, [("Nube Colectiva", "PY"), ("Ñandutí Red", "PY"), ("Mujeres del Paraguay", "PY"),
                       ("جمعية النور", "PY"), ("Frauenring", "DE"), ("Öko Frauen", "DE")])
    english = listed_names(client, world.signon_slug)
    assert english == ["Frauenring", "Öko Frauen",
                       "Mujeres del Paraguay", "Ñandutí Red", "Nube Colectiva", "جمعية النور"]

    client.submit("/language", {"language": "es", "next": "/"})
    spanish = listed_names(client, world.signon_slug)  # Alemania, then Paraguay; ñ after n
    assert spanish == ["Frauenring", "Öko Frauen",
                       "Mujeres del Paraguay", "Nube Colectiva", "Ñandutí Red", "جمعية النور"]
    assert listed_names(client, world.signon_slug, country="PY") == spanish[2:]

    client.submit("/language", {"language": "ar", "next": "/"})
    arabic = listed_names(client, world.signon_slug)  # ألمانيا before باراغواي; Arabic script first
    assert arabic == ["Frauenring", "Öko Frauen",
                      "جمعية النور", "Mujeres del Paraguay", "Ñandutí Red", "Nube Colectiva"]


def test_a_long_list_in_another_language_comes_in_whole_pages_in_one_order(app, client, world):
    names = [f"Organización {chr(0x41 + n % 26)}{n:04d}" for n in range(1100)]
    _sign(app, world, [(name, "GT") for name in names])
    client.submit("/language", {"language": "es", "next": "/"})
    shown = []
    for number in (1, 2, 3):
        shown += listed_names(client, world.signon_slug, page=number)
    assert shown == collation.sorted_in(names, "es", str)
    assert listed_names(client, world.signon_slug, page=4) == []


def test_a_sign_on_is_stored_with_its_root_collation_keys(app, world):
    _sign(app, world, [("Ñandutí Red", "CI")])
    with app.app_context():
        signon = db.session.scalar(select(SignOn).where(SignOn.organization_name == "Ñandutí Red"))
        assert signon.sort_key == collation.stored_sort_key("Ñandutí Red", 200)
        assert signon.country_sort == collation.stored_sort_key("Côte d'Ivoire", 80)


def test_files_list_signatories_in_the_alphabetical_order_of_their_language():
    from statements.export.pdf import Signatory, grouped

    people = [Signatory("Nube Colectiva", "Paraguay", "NGO"), Signatory("Ñandutí Red", "Paraguay", "NGO"),
              Signatory("جمعية النور", "Paraguay", "NGO"), Signatory("Öko Frauen", "Österreich", "NGO"),
              Signatory("Zeta", "Zambia", "NGO")]

    def names(group_by, language):
        return [[s.name for s in members] for _country, members in grouped(people, group_by, language)]

    assert names("alphabetical", "en") == [["Ñandutí Red", "Nube Colectiva", "Öko Frauen", "Zeta", "جمعية النور"]]
    assert names("alphabetical", "es") == [["Nube Colectiva", "Ñandutí Red", "Öko Frauen", "Zeta", "جمعية النور"]]
    assert names("alphabetical", "ar") == [["جمعية النور", "Ñandutí Red", "Nube Colectiva", "Öko Frauen", "Zeta"]]
    assert [c for c, _m in grouped(people, "country", "de")] == ["Österreich", "Paraguay", "Zambia"]  # Ö with O


def test_organizations_listed_by_their_country_alone_come_after_the_named_ones():
    from statements.export.pdf import Signatory, grouped

    people = [Signatory("Zeta Union", "Kenya", "NGO"), Signatory("An organization in Kenya", "Kenya", None),
              Signatory("Amani Forum", "Kenya", "NGO"), Signatory("An organization in Chile", "Chile", None)]
    alphabetical = [s.name for s in grouped(people, "alphabetical", "en")[0][1]]
    assert alphabetical == ["Amani Forum", "Zeta Union", "An organization in Chile", "An organization in Kenya"]
    by_country = {country: [s.name for s in members] for country, members in grouped(people, "country", "en")}
    assert by_country == {"Chile": ["An organization in Chile"],
                          "Kenya": ["Amani Forum", "Zeta Union", "An organization in Kenya"]}
