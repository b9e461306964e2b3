"""The group page costs the same number of queries however many members the group has."""

from statements.accounts.models import Organization, User, WorkingGroup
from statements.core.policy import Role
from statements.extensions import db
from tests.factories import make_membership, make_organization, make_user


def _group_page_queries(client, world, count_queries) -> int:
    with count_queries() as counted:
        assert client.get(f"/groups/{world.group_id}").status_code == 200
    return counted[0]


def test_group_page_queries_do_not_grow_with_members(app, client, world, count_queries):
    with app.app_context():
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        coordinator.organization = db.session.get(Organization, world.organization_id)
        db.session.commit()
    client.login(world.emails["coordinator"])
    before = _group_page_queries(client, world, count_queries)
    with app.app_context():
        group = db.session.get(WorkingGroup, world.group_id)
        for number in range(15):
            user = make_user(name=f"Extra {number}")
            user.organization = make_organization(name=f"Organization {number}")
            make_membership(user, group, Role.MEMBER)
        db.session.commit()
    after = _group_page_queries(client, world, count_queries)
    assert after == before
    assert "Extra 14" in client.get(f"/groups/{world.group_id}").get_data(as_text=True)
