"""Every way out of the live view gives the terminal back: after SIGQUIT, SIGSEGV, SIGABRT,
SIGBUS, SIGFPE and SIGILL the tty is cooked again (icanon, echo), the alternate screen is left
and the cursor is visible, and the exit status is still the signal's."""
import os
import re
import shlex
import signal
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_tui import BIN, Tmux, TuiCase, grid_ready  # noqa: E402

FATAL = ("SIGQUIT", "SIGSEGV", "SIGABRT", "SIGBUS", "SIGFPE", "SIGILL")


class FatalSignals(TuiCase):
    def start_probed(self):
        """The live view, then (in the same pane, after it ends) the tty modes and a marker."""
        cmd = " ".join(shlex.quote(a) for a in (BIN, "-c", self.fs.config, "-i", "500ms"))
        probe = f"ulimit -c 0; TERM=xterm {cmd}; echo CODE=$?; stty -a; echo STTY-END"
        self.tm = Tmux(probe, 100, 30)
        self.addCleanup(self.tm.kill)
        return self.tm

    def pane_flag(self, tm, name):
        return tm.tmux("display-message", "-p", "#{" + name + "}").stdout.strip()

    def test_fatal_signals_restore_the_terminal(self):
        for name in FATAL:
            with self.subTest(signal=name):
                sig = getattr(signal, name)
                tm = self.start_probed()
                tm.wait(grid_ready, what="grid")
                self.assertEqual(self.pane_flag(tm, "alternate_on"), "1", "the live view is on the alternate screen")
                os.kill(tm.program_pid(), sig)
                s = tm.wait_text("STTY-END", timeout=10)
                self.assertIn(f"CODE={128 + sig}", s, "the exit status is the signal's")
                modes = s[s.find("CODE="):]
                self.assertRegex(modes, r"(?<![-\w])icanon\b", f"{name}: canonical mode back:\n{modes}")
                self.assertRegex(modes, r"(?<![-\w])echo\b", f"{name}: echo back:\n{modes}")
                self.assertNotRegex(modes, r"-icanon|(?<![\w])-echo\b")
                self.assertEqual(self.pane_flag(tm, "alternate_on"), "0", f"{name}: alternate screen left")
                self.assertEqual(self.pane_flag(tm, "cursor_flag"), "1", f"{name}: cursor visible")
                self.assertNotIn("COMPONENT", s, f"{name}: no frame left on the screen")
                self.assertIsNone(re.search(r"\x1b", s))
                tm.kill()


if __name__ == "__main__":
    unittest.main(verbosity=2)
