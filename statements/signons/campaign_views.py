"""The campaign panel of a statement open for sign-on: its link and QR code, the count against a goal, sign-ons
by day and by source, embed codes, and partner links; and the small sign-on widget partners embed."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, format_decimal, gettext as _, ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.i18n import DEFAULT_LANGUAGE, supported
from statements.core.loaders import load_for
from statements.core.policy import Permission, can
from statements.core.urls import external_url
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import bp, campaign, charts, services
from statements.signons.forms import GoalForm, PartnerLinkForm
from statements.signons.views import load_public_version

#: how many of the latest days with sign-ons the panel's table lists
DAYS_LISTED = 60
#: how long a cache may keep the widget partners embed (as the count badge)
EMBED_CACHE_SECONDS = 60


def _load_to_view(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.CAMPAIGN_VIEW, visible=Permission.STATEMENT_VIEW)


def _load_to_manage(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.SIGNON_MANAGE, visible=Permission.STATEMENT_VIEW)


def public_address(statement: Statement, token: str | None = None) -> str:
    """The public form's address, through a partner's link when given its token."""
    return external_url("signons.public", slug=statement.slug, via=token or None)


def _panel(statement: Statement, goal_form: GoalForm | None = None, link_form: PartnerLinkForm | None = None,
           status: int = 200):
    counts = services.counts(statement)
    manages = can(current_user, Permission.SIGNON_MANAGE, statement)
    goal_form = goal_form or GoalForm(data={"goal": statement.signon_goal or ""})
    address = public_address(statement)
    days = services.daily_series(statement)
    context = {
        "statement": statement, "manages": manages, "count": counts["total"], "address": address,
        "qr": campaign.qr_inline(address) if campaign.has_qr_code(statement) else None, "goal": statement.signon_goal,
        "progress": campaign.goal_progress(counts["total"], statement.signon_goal), "is_open": statement.state == "signon_open",
    }
    if manages:
        context |= {
            "goal_form": goal_form, "link_form": link_form or PartnerLinkForm(),
            "waiting": services.waiting_count(statement), "sources": campaign.source_counts(statement),
            "days": list(reversed(days))[:DAYS_LISTED], "chart_days": charts.days_chart(days),
            "badge_code": _badge_code(statement), "widget_code": _widget_code(statement),
            "partner_address": lambda link: public_address(statement, link.token),
            "partner_widget_code": lambda link: _widget_code(statement, link.token),
        }
    return render_template("signons/campaign.html", **context), status


def _badge_code(statement: Statement) -> str:
    # in the statement's language, as the page it goes on and the badge itself, whatever staff read
    with force_locale(_words_language(statement)):
        title = _("%(title)s: organizations that have signed", title=statement.title)
    return (f'<a href="{public_address(statement)}"><img src="{external_url("signons.badge", slug=statement.slug)}" '
            f'alt="{_escape(title)}" width="220" height="28"></a>')


def _widget_code(statement: Statement, token: str | None = None) -> str:
    with force_locale(_words_language(statement)):
        title = _("Sign the statement: %(title)s", title=statement.title)
    return (f'<iframe src="{external_url("signons.embed", slug=statement.slug, via=token or None)}" '
            f'title="{_escape(title)}" width="360" height="260" loading="lazy"></iframe>')


def _words_language(statement: Statement) -> str:
    return supported(statement.language) or DEFAULT_LANGUAGE


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


@bp.route("/statements/<int:statement_id>/campaign")
def campaign_panel(statement_id: int):
    statement = _load_to_view(statement_id)
    if statement.source_id is not None:  # a translation signs the statement it translates: one campaign
        return redirect(url_for("signons.campaign_panel", statement_id=statement.source_id))
    if not campaign.has_campaign(statement):
        return render_template("signons/campaign_not_yet.html", statement=statement)
    return _panel(statement)


def _load_campaign_to_manage(statement_id: int) -> Statement | None:
    """The statement whose campaign is changed, or None after saying why it cannot be (no public form yet)."""
    statement = _load_to_manage(statement_id)
    if not campaign.has_campaign(statement):
        flash(_("A statement gets its campaign once sign-on opens on its final text."), "error")
        return None
    return statement


@bp.route("/statements/<int:statement_id>/campaign/goal", methods=["POST"])
def campaign_goal(statement_id: int):
    statement = _load_campaign_to_manage(statement_id)
    if statement is None:
        return redirect(url_for("drafts.statement", statement_id=statement_id))
    form = GoalForm()
    if form.validate_on_submit():
        try:
            campaign.set_goal(current_user, statement, campaign.parse_goal(form.goal.data))
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The goal is %(goal)s sign-ons.", goal=format_decimal(statement.signon_goal)) if statement.signon_goal
                  else _("The campaign has no goal."), "success")
            return redirect(url_for("signons.campaign_panel", statement_id=statement.id) + "#count-heading")
    return _panel(statement, goal_form=form, status=400)


@bp.route("/statements/<int:statement_id>/campaign/links", methods=["POST"])
def create_partner_link(statement_id: int):
    statement = _load_campaign_to_manage(statement_id)
    if statement is None:
        return redirect(url_for("drafts.statement", statement_id=statement_id))
    form = PartnerLinkForm()
    if form.validate_on_submit():
        name = form.name.data
        try:
            link = campaign.create_partner_link(current_user, statement, name)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        except IntegrityError:  # the same name sent twice at once: the other one made it
            db.session.rollback()
            form.name.errors = [campaign.duplicate_name(" ".join(name.split()))]
        else:
            flash(_("The link for %(name)s is ready: copy it below and send it to them.", name=link.name), "success")
            return redirect(url_for("signons.campaign_panel", statement_id=statement.id) + f"#link-{link.id}")
    return _panel(statement, link_form=form, status=400)


@bp.route("/statements/<int:statement_id>/campaign/links/switch", methods=["POST"])
def switch_partner_link(statement_id: int):
    statement = _load_campaign_to_manage(statement_id)
    if statement is None:
        return redirect(url_for("drafts.statement", statement_id=statement_id))
    back = redirect(url_for("signons.campaign_panel", statement_id=statement.id) + "#links-heading")
    link = campaign.partner_link_of(statement, request.form.get("link"))
    turn_on = request.form.get("active") == "1"
    if link is None:
        flash(_("That partner link is not one of this statement's. Choose a link from the list."), "error")
        return back
    if campaign.switch_partner_link(current_user, link, turn_on):
        db.session.commit()
    flash(_("The link for %(name)s is on again: what is signed through it counts for them.", name=link.name)
          if turn_on else
          _("The link for %(name)s is off: it still opens the form, but new sign-ons through it count as from the "
            "public form.", name=link.name) + " " +
          ngettext("The %(num)s sign-on it brought stays theirs.", "The %(num)s sign-ons it brought stay theirs.",
                   _brought(statement, link)), "success")
    return back


def _brought(statement: Statement, link) -> int:
    row = next((row for row in campaign.source_counts(statement) if row.link is link), None)
    return row.approved + row.waiting + row.unconfirmed if row else 0


@bp.route("/statements/<int:statement_id>/qr.<kind>")
def qr_code(statement_id: int, kind: str):
    """A QR code of the public form's address (or a partner link's, for those who manage sign-on), to download
    for flyers and slides. Nothing while sign-on is not open nor the text published: 404, as for an unknown
    address."""
    statement = load_for(Statement, statement_id, Permission.CAMPAIGN_VIEW, visible=Permission.CAMPAIGN_VIEW)
    if kind not in campaign.QR_KINDS or not campaign.has_qr_code(statement):
        abort(404)
    token, name = None, statement.slug
    if request.args.get("link"):
        link = campaign.partner_link_of(statement, request.args.get("link"))
        if link is None or not can(current_user, Permission.SIGNON_MANAGE, statement):
            abort(404)
        token, name = link.token, f"{statement.slug}-{link.id}"
    address = public_address(statement, token)
    response = make_response(campaign.qr_code(address, kind, title=address))
    response.headers["Content-Type"] = campaign.QR_KINDS[kind]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-qr.{kind}"'
    return response


@bp.route("/s/<slug>/embed")
def embed(slug: str):
    """A small card partners put on their sites in a frame: the title, the count and a button to the form.

    The form itself opens in a tab of its own: in a frame on another site the browser keeps no cookie of
    this one, and the form's CSRF protection needs one.
    """
    statement, version = load_public_version(slug)
    token = campaign.clean_token(request.args.get("via"))  # kept as given: whether it is a link's is not said
    response = make_response(render_template(
        "signons/embed.html", statement=statement, version=version, count=services.counts(statement)["total"],
        is_open=statement.state == "signon_open",
        form_address=external_url("signons.public", slug=version.slug, via=token or None) + "#sign"))
    response.headers["Cache-Control"] = f"public, max-age={EMBED_CACHE_SECONDS}"
    return response
