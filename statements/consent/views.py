"""The consent round page: the table of positions, the form to record one's organization's, and opening a round."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from statements.consent import bp, services
from statements.consent.forms import OpenRoundForm, PositionForm
from statements.core.errors import DomainError
from statements.core.forms import add_error
from statements.core.loaders import load_for
from statements.core.policy import Permission, represents
from statements.drafts.models import Statement
from statements.extensions import db


@bp.app_context_processor
def inject_consent_round():
    """Let the statement's pages (lifecycle panel, the step to final) ask for the result of its latest round."""
    def consent_round_of(statement):
        # asked by more than one part of a page: the answer is kept for the rest of the request
        known = g.setdefault("consent_rounds", {})
        if statement.id not in known:
            round_ = services.latest_round(statement) if statement.source_id is None else None
            known[statement.id] = services.tally(round_) if round_ is not None else None
        return known[statement.id]

    return {"consent_round_of": consent_round_of}


def _page(statement: Statement, position_form: PositionForm | None = None, status: int = 200):
    round_ = services.latest_round(statement)
    tally = services.tally(round_) if round_ else None
    asked_me = round_ is not None and current_user.organization_id in {a.organization_id for a in round_.asked}
    speaks = asked_me and represents(current_user, current_user.organization_id, statement.group)
    mine = tally and next((p for org, p in tally.rows if org.id == current_user.organization_id), None)
    if position_form is None:
        position_form = PositionForm(data={"stance": mine.stance, "comment": mine.comment} if mine else None)
    return render_template("consent/round.html", statement=statement, round=round_, tally=tally,
                           history=services.history(round_) if round_ else [], speaks=speaks, mine=mine,
                           form=position_form, is_open=round_ is not None and round_.is_open()), status


@bp.route("/statements/<int:statement_id>/consent")
def round_page(statement_id: int):
    return _page(load_for(Statement, statement_id, Permission.CONSENT_VIEW))


@bp.route("/statements/<int:statement_id>/consent/position", methods=["POST"])
def record_position(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.POSITION_RECORD)
    form = PositionForm()
    round_ = services.latest_round(statement)
    if round_ is None:
        flash(_("No consent round is open on this statement."), "error")
        return redirect(url_for("consent.round_page", statement_id=statement.id))
    if not form.validate_on_submit():
        return _page(statement, form, 400)
    try:
        services.record_position(current_user, round_, form.stance.data, form.comment.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        add_error(form, error)
        return _page(db.session.get(Statement, statement_id), form, error.status_code)
    flash(_("Your organization's position is recorded. You can change it until the round ends."), "success")
    return redirect(url_for("consent.round_page", statement_id=statement.id))


@bp.route("/statements/<int:statement_id>/consent/open", methods=["GET", "POST"])
def open_round(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.CONSENT_OPEN)
    organizations = services.organizations_of_group(statement.group_id)
    form = OpenRoundForm(data=None if request.method == "POST" else {"organizations": [o.id for o in organizations],
                                                      "time_zone": _default_zone()})
    form.organizations.choices = [(o.id, o.name) for o in organizations]
    if form.validate_on_submit():
        try:
            ends_at = services.round_end(form.ends_date.data, form.ends_time.data, form.time_zone.data)
            services.open_round(current_user, statement, form.organizations.data or [], ends_at)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            add_error(form, error)
        except IntegrityError:  # another coordinator opened a round at the same moment
            db.session.rollback()
            form.form_errors.append(_("Another coordinator opened a consent round on this statement a moment ago. "
                                      "Look at it before opening another."))
        else:
            flash(_("The consent round is open: the organizations' representatives are asked for their position."),
                  "success")
            return redirect(url_for("consent.round_page", statement_id=statement.id))
    statement = db.session.get(Statement, statement_id)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("consent/open.html", statement=statement, form=form, organizations=organizations), status


def _default_zone() -> str:
    """The zone a coordinator gives dates in unless they choose another: their own, else UTC."""
    from statements.core.timezones import is_zone

    own = getattr(current_user, "time_zone", None)
    return own if is_zone(own) else "UTC"
