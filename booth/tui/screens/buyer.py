"""The buyer dialog of check-out (B): the C.C. or NIT and name the invoice names.

Enter in the ID field goes to the name; Enter in the name checks both with
`stays.validate_buyer` and closes with the pair (both empty: "Consumidor
final"); Esc closes without changing anything. Nothing is written here.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from booth.core import stays
from booth.core.errors import BoothError
from booth.core.i18n import _
from booth.tui.screens.shift_common import dialog_css

Buyer = tuple[str, str]


def buyer_label(buyer: Buyer) -> str:
    """`Transportes S.A.S. (900123456-8)`, or just the ID when there is no name."""
    buyer_id, name = buyer
    return f"{name} ({buyer_id})" if name else buyer_id


class BuyerDialog(ModalScreen[Buyer | None]):
    """Asks for the buyer's C.C. or NIT and name; dismisses the checked pair or None."""

    DEFAULT_CSS = dialog_css(
        "BuyerDialog",
        """
        BuyerDialog Input { width: 100%; }
        BuyerDialog .field { margin-top: 1; }
        """,
    )
    BINDINGS = [Binding("escape", "cancel", _("Cancel"))]

    def __init__(self, current: Buyer) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        given = self.current != stays.DEFAULT_BUYER
        with Vertical(id="dialog"):
            yield Label(_("Buyer on the invoice"), classes="title")
            yield Static(
                _("Empty: Consumidor final (222222222222). The name is optional but recommended."),
                classes="hint",
            )
            yield Label(_("C.C. or NIT"), classes="field")
            yield Input(
                value=self.current[0] if given else "",
                placeholder=_("digits; a NIT may end in -check digit"),
                id="buyer-id",
                max_length=24,
                restrict=r"[0-9. -]*",
            )
            yield Label(_("Name"), classes="field")
            yield Input(
                value=self.current[1] if given else "",
                placeholder=_("as it goes on the invoice"),
                id="buyer-name",
                max_length=2 * stays.MAX_BUYER_NAME,
            )
            yield Static(id="message", classes="message")
            yield Static(
                _("Enter: next / done   Esc: cancel"),
                classes="keys",
            )

    def on_mount(self) -> None:
        self.query_one("#buyer-id", Input).focus()

    def _say(self, text: str) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(bool(text), "error")

    def _checked(self) -> Buyer | None:
        try:
            return stays.validate_buyer(
                self.query_one("#buyer-id", Input).value,
                self.query_one("#buyer-name", Input).value,
            )
        except BoothError as exc:
            self._say(exc.message)
            return None

    @on(Input.Submitted, "#buyer-id")
    def _id_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._checked() is not None:
            self._say("")
            self.query_one("#buyer-name", Input).focus()

    @on(Input.Submitted, "#buyer-name")
    def _name_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        buyer = self._checked()
        if buyer is not None:
            self.dismiss(buyer)

    def action_cancel(self) -> None:
        self.dismiss(None)
