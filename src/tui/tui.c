/* tui: terminal setup and teardown, signals, and the one event loop. engine_run waits on the
 * curl sockets and the keyboard at once; keys are drained after every wake-up, sweeps start on
 * a deadline, and one frame is drawn per loop turn with wnoutrefresh/doupdate so curses sends
 * only the cells that changed. */
#include "lgtmtop/tui.h"

#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lgtmtop/sweep.h"
#include "lgtmtop/util.h"
#include "lgtmtop/verdict.h"
#include "tui_int.h"

#define TICK_MS 250   /* spinner updates while checks are in flight */
#define IDLE_MS 10000 /* otherwise at most this long asleep (staleness is not an age label) */
#define EOF_TURNS 3   /* readable-but-no-key turns before stdin counts as gone */

/* Signal handlers set flags and write(2) — to the engine's eventfd (engine_wakeup) or, for the
 * fatal ones, bytes prepared beforehand: nothing in them is unsafe in a handler. The loop polls
 * got_signal and got_hup every turn; the wake-up makes that turn come at once, even when the
 * signal lands on another thread (libcurl's resolver) and interrupts no poll. */
static volatile sig_atomic_t got_signal, got_hup;
static struct engine *volatile sig_engine;
static struct sigaction old_winch;
static bool curses_active;

/* What a fatal signal's handler restores: the terminal modes from before curses, and the
 * escape sequences endwin would send (attributes off, cursor visible, keypad off, leave the
 * alternate screen), looked up before the first frame. */
static volatile sig_atomic_t tty_raw;
static struct termios tty_saved;
static bool tty_saved_ok;
static char tty_reset[512];
static size_t tty_reset_len;
static const int fatal_signals[] = {SIGSEGV, SIGABRT, SIGQUIT, SIGBUS, SIGFPE, SIGILL};
static struct sigaction old_fatal[ARRAY_LEN(fatal_signals)];

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_signal = sig;
    if (sig_engine)
        engine_wakeup(sig_engine); /* async-signal-safe: one write to an eventfd */
    errno = saved;
}

/* ncurses turns SIGWINCH into KEY_RESIZE; the wake-up makes the relayout immediate. */
static void on_winch(int sig)
{
    int saved = errno;
    if (old_winch.sa_handler != SIG_DFL && old_winch.sa_handler != SIG_IGN && old_winch.sa_handler)
        old_winch.sa_handler(sig);
    if (sig_engine)
        engine_wakeup(sig_engine);
    errno = saved;
}

/* SIGSEGV, SIGABRT, SIGQUIT, ...: give the terminal back with write(2) and tcsetattr(3) only,
 * then let the signal do what it would have done (SA_RESETHAND restored the default action):
 * the exit status and the core dump stay right. */
static void on_fatal(int sig)
{
    if (tty_raw) {
        tty_raw = 0;
        size_t off = 0;
        while (off < tty_reset_len) {
            ssize_t w = write(STDOUT_FILENO, tty_reset + off, tty_reset_len - off);
            if (w <= 0 && errno != EINTR)
                break;
            if (w > 0)
                off += (size_t)w;
        }
        if (tty_saved_ok)
            tcsetattr(STDIN_FILENO, TCSADRAIN, &tty_saved);
    }
    raise(sig);
}

static void tty_reset_add(const char *cap)
{
    const char *s = tigetstr(cap);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (tty_reset_len + n < sizeof(tty_reset)) {
        memcpy(tty_reset + tty_reset_len, s, n);
        tty_reset_len += n;
    }
}

/* After newterm: the sequences on_fatal writes. */
static void prepare_fatal_reset(void)
{
    tty_reset_len = 0;
    tty_reset_add("sgr0");
    tty_reset_add("cnorm");
    tty_reset_add("rmkx");
    const char *rmcup = tigetstr("rmcup");
    if (rmcup && rmcup != (char *)-1 && *rmcup)
        tty_reset_add("rmcup");
    else
        tty_reset_add("clear"); /* no alternate screen: at least no frame under the prompt */
    static const char nl[] = "\r\n";
    if (tty_reset_len + 2 < sizeof(tty_reset)) {
        memcpy(tty_reset + tty_reset_len, nl, 2);
        tty_reset_len += 2;
    }
}

static void install_fatal_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_fatal;
    sa.sa_flags = (int)SA_RESETHAND;
    for (size_t i = 0; i < ARRAY_LEN(fatal_signals); i++)
        sigaction(fatal_signals[i], &sa, &old_fatal[i]);
}

static void restore_fatal_signals(void)
{
    for (size_t i = 0; i < ARRAY_LEN(fatal_signals); i++)
        sigaction(fatal_signals[i], &old_fatal[i], NULL);
}

static void restore_terminal(void)
{
    tty_raw = 0;
    if (curses_active && !isendwin()) {
        /* Without an alternate screen (vt100) the last frame would stay under the prompt. */
        const char *rmcup = tigetstr("rmcup");
        if (!rmcup || rmcup == (char *)-1 || !*rmcup) {
            erase();
            refresh();
        }
        endwin();
    }
    curses_active = false;
}

static void ring_push(struct rate_ring *r, double v)
{
    r->v[r->pos] = v;
    r->pos = (r->pos + 1) % STATE_HIST_LEN;
    if (r->len < STATE_HIST_LEN)
        r->len++;
}

/* Follows the model: status changes as the view sees them, and a history of every rate. */
static void update_meta(struct tui *t)
{
    for (size_t i = 0; i < t->s->nstacks; i++) {
        const struct stack_state *st = &t->s->stacks[i];
        for (size_t j = 0; j < st->ncomps; j++) {
            const struct comp_state *c = &st->comps[j];
            struct tui_comp *m = &t->meta[i][j];
            enum status now_st = comp_status(c);
            bool ran = false;
            long long newest = 0;
            for (size_t k = 0; k < c->nchecks; k++)
                if (c->checks[k].ran) {
                    ran = true;
                    if (c->checks[k].changed_ms > newest)
                        newest = c->checks[k].changed_ms;
                }
            if (ran && !m->seen) {
                m->seen = true;
                m->last = now_st;
                m->changed_ms = newest;
            } else if (ran && now_st != m->last) {
                m->last = now_st;
                m->changed_ms = t->now;
            }
            for (int k = 0; k < c->ncounters; k++) {
                const struct counter_state *cn = &c->counters[k];
                if (!cn->has_rate)
                    continue;
                struct rate_ring *r = NULL;
                for (int q = 0; q < m->nrates; q++)
                    if (m->rates[q].key == cn->key)
                        r = &m->rates[q];
                if (!r) {
                    if (m->nrates == STATE_MAX_COUNTERS)
                        continue;
                    r = &m->rates[m->nrates++];
                    r->key = cn->key;
                }
                if (r->last_ms != cn->last_ms) {
                    r->last_ms = cn->last_ms;
                    ring_push(r, cn->rate);
                }
            }
        }
    }
}

/* Findings follow the results: diagnose() runs in a loop turn when any check has a new result
 * (or skip) since the last run, and at least once an interval so stale results drop out. */
static void update_findings(struct tui *t)
{
    unsigned long long sig = 1469598103934665603ULL;
    STATE_FOR_EACH_COMP (t->s, st, c)
        COMP_FOR_EACH_CHECK (c, cs) {
            sig = (sig ^ (unsigned long long)cs->updated_ms) * 1099511628211ULL;
            sig = (sig ^ (unsigned long long)cs->skipped) * 1099511628211ULL;
        }
    if (sig == t->diag_sig && t->diag_ms && t->now - t->diag_ms < t->s->interval_ms)
        return;
    t->diag_sig = sig;
    t->diag_ms = t->now;
    long long now = now_mono_ms();
    verdict_update(t->s, now); /* findings count in the header and the grid, as in `check` */
    t->nfindings = diagnose(t->s, now, t->findings, DIAGNOSE_MAX_FINDINGS);
}

static void draw(struct tui *t)
{
    t->next_change = LLONG_MAX;
    if (tui_size_ok(t)) {
        if (t->help)
            help_draw(t);
        else if (t->screen == SCR_FINDINGS)
            findings_draw(t);
        else if (t->screen == SCR_CHANGES)
            changes_draw(t);
        else if (t->screen == SCR_PANE)
            pane_draw(t);
        else
            grid_draw(t);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

static void do_sweep(struct tui *t)
{
    sweep_start(t->e, t->s, t->cfg);
    t->next_sweep = t->now + t->s->interval_ms;
}

static void meta_alloc(struct tui *t)
{
    t->meta = xcalloc(t->s->nstacks ? t->s->nstacks : 1, sizeof(*t->meta));
    for (size_t i = 0; i < t->s->nstacks; i++)
        t->meta[i] = xcalloc(t->s->stacks[i].ncomps ? t->s->stacks[i].ncomps : 1, sizeof(**t->meta));
}

static void meta_free(struct tui *t)
{
    for (size_t i = 0; t->meta && i < t->s->nstacks; i++)
        free(t->meta[i]);
    free(t->meta);
    t->meta = NULL;
}

#define RELOAD_NOTE_MS 15000

/* SIGHUP: load the config now, so a bad one is reported at once (and the running one kept); a
 * good one waits for the running sweep to end (no callback may point into the old state). */
static void reload(struct tui *t)
{
    char err[512];
    if (t->has_next)
        config_free(&t->next);
    memset(&t->next, 0, sizeof t->next);
    t->has_next = false;
    if (t->load(t->cli, &t->next, err, sizeof err)) {
        config_free(&t->next);
        t->reload_failed = true;
        tui_note(t, "reload failed, keeping the running config: %s", err);
        t->note_until = t->now + RELOAD_NOTE_MS;
        return;
    }
    t->has_next = true;
}

static void apply_reload(struct tui *t)
{
    struct state ns; /* borrows from the new config's heap, which the swap below keeps */
    if (state_init(&ns, &t->next, t->cli->stack, &sweep_checks))
        fatal("reload: no stack named '%s'", t->cli->stack); /* the loader checked it */
    state_carry_changes(&ns, t->s);
    ns.sweeps = t->s->sweeps;
    meta_free(t);
    state_free(t->s);
    *t->s = ns;
    config_free(t->cfg_mut);
    *t->cfg_mut = t->next;
    memset(&t->next, 0, sizeof t->next);
    t->has_next = false;
    meta_alloc(t);
    engine_set_max_inflight(t->e, t->cfg_mut->max_in_flight);
    grid_init(t); /* selections, the open pane and the findings pointed into the old state */
    t->pane_comp = NULL;
    t->nfindings = 0;
    t->diag_sig = 0;
    t->diag_ms = 0;
    t->view_stack = t->s->nstacks > 1 ? -1 : 0;
    t->next_sweep = t->now;
    t->reload_failed = false;
    tui_note(t, "config reloaded: %zu stack%s", t->s->nstacks, t->s->nstacks == 1 ? "" : "s");
}

/* Returns true to quit. */
static bool handle_key(struct tui *t, int ch, bool *sweeping)
{
    if (ch == KEY_RESIZE) {
        clearok(curscr, TRUE);
        return false;
    }
    if (ch == 12) { /* Ctrl-L */
        clearok(curscr, TRUE);
        return false;
    }
    int f;
    if (t->help) {
        t->help = false;
        return ch == 'q';
    }
    f = t->screen == SCR_FINDINGS  ? findings_key(t, ch)
        : t->screen == SCR_CHANGES ? changes_key(t, ch)
        : t->screen == SCR_PANE    ? pane_key(t, ch)
                                   : grid_key(t, ch);
    if (!(f & TK_HANDLED)) {
        switch (ch) {
        case 'q':
        case 'Q': f |= TK_QUIT; break;
        case 'r': f |= TK_SWEEP; break;
        case 'p': f |= TK_PAUSE; break;
        case '?':
        case KEY_F(1): f |= TK_HELP; break;
        case 'f': f |= TK_FINDINGS; break;
        case 'e': f |= TK_CHANGES; break;
        default: break;
        }
    }
    if (f & TK_QUIT)
        return true;
    if (f & TK_SWEEP) {
        do_sweep(t);
        *sweeping = true;
        tui_note(t, "sweep started");
    }
    if (f & TK_PAUSE) {
        t->paused = !t->paused;
        tui_note(t, t->paused ? "paused: no sweeps until p" : "resumed");
    }
    if (f & TK_HELP)
        t->help = true;
    if (f & TK_OPEN) {
        int stack, check;
        const struct comp_state *c = grid_selected(t, &stack, &check);
        if (c)
            pane_init(t, c, stack, check);
    }
    if (f & TK_FINDINGS) {
        if (t->screen == SCR_FINDINGS) {
            t->screen = t->findings_back;
        } else {
            t->findings_back = t->screen == SCR_CHANGES ? t->changes_back : t->screen;
            t->screen = SCR_FINDINGS;
            t->find_sc.top = 0;
        }
    }
    if (f & TK_CHANGES) {
        if (t->screen == SCR_CHANGES) {
            t->screen = t->changes_back;
        } else {
            t->changes_back = t->screen == SCR_FINDINGS ? t->findings_back : t->screen;
            t->screen = SCR_CHANGES;
            t->chg_sc.top = 0;
        }
    }
    if (f & TK_BACK)
        t->screen = t->screen == SCR_FINDINGS  ? t->findings_back
                    : t->screen == SCR_CHANGES ? t->changes_back
                                               : SCR_GRID;
    if (f & TK_REDRAW)
        clearok(curscr, TRUE);
    return false;
}

/* Poll said stdin is readable but curses got no key: EOF or EIO (the terminal is gone). */
static bool stdin_gone(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, 0) < 0)
        return errno != EINTR;
    return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0 || (p.revents & POLLIN) != 0;
}

static int loop(struct tui *t)
{
    bool sweeping = false, force = true;
    unsigned drawn_tick = 0;
    int empty_turns = 0;
    t->now = now_mono_ms();
    t->next_sweep = t->now;
    for (;;) {
        t->now = now_mono_ms();
        if (got_signal)
            break;
        if (got_hup) {
            got_hup = 0;
            reload(t);
            force = true;
        }
        if (t->has_next && !sweep_busy(t->e)) {
            apply_reload(t);
            sweeping = false;
            force = true;
        }
        if (!t->paused && t->now >= t->next_sweep) {
            do_sweep(t);
            sweeping = true;
        }
        update_meta(t);
        update_findings(t);
        t->tick = (unsigned)(t->now / TICK_MS);
        /* While a sweep runs, every answer wakes the loop: the screen follows at the spinner's
         * pace (once a tick), not once an answer (a full redraw for each of dozens of answers
         * a sweep was most of the live view's CPU at rest). Keys, the end of a sweep and every
         * wake-up between sweeps draw at once. */
        if (force || !sweep_busy(t->e) || t->tick != drawn_tick) {
            draw(t);
            drawn_tick = t->tick;
            force = false;
        }

        long timeout = sweep_busy(t->e) ? TICK_MS - (long)(t->now % TICK_MS) : IDLE_MS;
        if (t->next_change - t->now < timeout) /* an age on screen moves on */
            timeout = (long)(t->next_change - t->now);
        if (!t->paused && t->next_sweep - t->now < timeout)
            timeout = (long)(t->next_sweep - t->now);
        if (t->note[0] && t->note_until > t->now && t->note_until - t->now < timeout)
            timeout = (long)(t->note_until - t->now);
        if (timeout < 1)
            timeout = 1;
        int readable = engine_run(t->e, STDIN_FILENO, timeout);
        if (sweeping && !sweep_busy(t->e)) {
            sweeping = false;
            t->s->sweeps++;
            force = true;
        }
        t->now = now_mono_ms();
        int ch, keys = 0;
        while ((ch = getch()) != ERR) {
            keys++;
            if (handle_key(t, ch, &sweeping))
                return 0;
            t->now = now_mono_ms();
        }
        if (keys > 0)
            force = true;
        if (readable && keys == 0) {
            if (++empty_turns >= EOF_TURNS && stdin_gone())
                return 0;
        } else {
            empty_turns = 0;
        }
    }
    return got_signal == SIGINT ? 0 : 128 + got_signal;
}

static void install_signals(struct sigaction *old_int, struct sigaction *old_term, struct sigaction *old_hup)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
    sigaction(SIGHUP, &sa, old_hup);
    /* After newterm, which installed ncurses' own SIGWINCH handler: chain to it. */
    struct sigaction cur;
    sigaction(SIGWINCH, NULL, &cur);
    if (cur.sa_handler != on_winch) {
        old_winch = cur;
        sa.sa_handler = on_winch;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGWINCH, &sa, NULL);
    }
}

int tui_run(const struct cli *cli, struct config *cfg, cli_load_fn load)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "lgtmtop: the live view needs a terminal; use 'lgtmtop check' in scripts and pipes\n");
        return 3;
    }
    struct state s;
    if (state_init(&s, cfg, cli->stack, &sweep_checks)) {
        fprintf(stderr, "lgtmtop: no stack named '%s' in %s\n", cli->stack, cfg->path ? cfg->path : "the config");
        state_free(&s);
        return 3;
    }
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    const char *nc = getenv("NO_COLOR");
    struct tui t;
    memset(&t, 0, sizeof(t));
    t.s = &s;
    t.cfg = cfg;
    t.cfg_mut = cfg;
    t.cli = cli;
    t.load = load;
    t.ascii = cli->ascii || !cs || strcmp(cs, "UTF-8") != 0;
    t.color = !cli->no_color && !(nc && *nc);
    t.view_stack = s.nstacks > 1 ? -1 : 0;
    meta_alloc(&t);

    int code = 3;
    tty_saved_ok = tcgetattr(STDIN_FILENO, &tty_saved) == 0; /* before curses changes it */
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        const char *term = getenv("TERM");
        fprintf(stderr, "lgtmtop: cannot drive terminal type '%s' (try TERM=xterm, or 'lgtmtop check')\n",
                term ? term : "(unset)");
        goto out;
    }
    set_term(scr);
    const char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1 || !*cup) {
        endwin();
        delscreen(scr);
        const char *term = getenv("TERM");
        fprintf(stderr, "lgtmtop: terminal type '%s' cannot position the cursor; use 'lgtmtop check'\n",
                term ? term : "(unset)");
        goto out;
    }
    curses_active = true;
    fatal_set_hook(restore_terminal);
    prepare_fatal_reset();
    install_fatal_signals();
    tty_raw = 1;
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    leaveok(stdscr, TRUE); /* no cursor moves after each update: the cursor is never shown */
    theme_init(t.color);

    t.e = engine_new();
    engine_set_max_inflight(t.e, cfg->max_in_flight);
    sig_engine = t.e;
    struct sigaction old_int, old_term, old_hup;
    install_signals(&old_int, &old_term, &old_hup);
    grid_init(&t);

    code = loop(&t);

    restore_terminal();
    restore_fatal_signals();
    fatal_set_hook(NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sig_engine = NULL;
    engine_free(t.e);
    delscreen(scr);
out:
    meta_free(&t);
    if (t.has_next)
        config_free(&t.next);
    state_free(&s);
    return code;
}
