"""Reading the keyboard in terminal play: one line at a time, and a clean way out.

Ctrl-D (or the end of piped input) and Ctrl-C at any prompt raise ``Interrupted`` instead of
``EOFError``/``KeyboardInterrupt``: an ordinary exception, so the match's store closes on the
way out and the command can say how to go on. ``levers play`` exits 1 after an end of input
and 130 after Ctrl-C, the shell's own convention.
"""

from __future__ import annotations

from bot.cli.terminal import console

EXIT_EOF = 1
EXIT_CTRL_C = 130


class Interrupted(Exception):
    """The player left at a prompt: ``eof`` for Ctrl-D or input that ended, else Ctrl-C."""

    def __init__(self, eof: bool) -> None:
        super().__init__("end of input" if eof else "interrupted")
        self.eof = eof

    @property
    def exit_code(self) -> int:
        """1 after the end of input, 130 after Ctrl-C."""
        return EXIT_EOF if self.eof else EXIT_CTRL_C


def ask(prompt: str) -> str:
    """One line from the player, without its surrounding spaces (``prompt`` is rich markup)."""
    try:
        return console.input(prompt).strip()
    except EOFError:
        console.print()
        raise Interrupted(eof=True) from None
    except KeyboardInterrupt:
        console.print()
        raise Interrupted(eof=False) from None
