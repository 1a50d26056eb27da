//! The one runner that performs a flow's effects in the browser.
//!
//! A flow ([`Machine`]) decides; the runner sends its requests (through the
//! function the page gives it), keeps its timers, takes its cross-tab locks,
//! changes the activation log, opens and sends windows, leaves the page
//! and asks for a new sign-in, feeding every answer back with the current
//! [`Env`]. A restart or the page going away ends the run: its timers are
//! woken, its lock is let go, and answers that arrive later are dropped.
//!
//! Only requests, waits and updates depend on the flow; the shared effects
//! are performed by one non-generic [`Shell`], so each flow adds little
//! code to the bundle.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::task::spawn_local;

use crate::domain::charge::ChargeKind;
use crate::domain::checkout::{ActivationLog, ActivationState};
use crate::flow::{
    ActivationAnswer, ActivationChange, ActivationOp, Effect, Env, LockAnswer, Machine, Place,
    Randomness, ShellAnswer, ShellEffect, WindowAnswer,
};
use crate::web::locks::{self, HeldLock, LockAttempt};
use crate::web::storage::{self, Area};
use crate::web::transport::Sleeper;
use crate::web::{dom, popup, random};

/// A request's answer, as the flow's event.
pub type Answer<E> = Pin<Box<dyn Future<Output = E>>>;
/// Sends one of a flow's requests.
pub type SendRequest<M> = Rc<dyn Fn(<M as Machine>::Request) -> Answer<<M as Machine>::Event>>;

/// Goes to one of the widget's routes; with `true`, in place of the
/// current history entry.
pub type Navigate = Rc<dyn Fn(&str, bool)>;

/// What the page does with the flow's results.
pub struct Hooks<M> {
    /// After every update: show the flow's new state.
    pub changed: Box<dyn Fn(&M)>,
    /// The server refused the token.
    pub sign_in_again: Box<dyn Fn()>,
    /// Goes to one of the widget's routes (the router's navigate); a flow
    /// that never navigates has none.
    pub navigate: Option<Navigate>,
}

/// The flow-independent half of a run: which run is current, its timers,
/// lock and window, and the page's hooks for the shared effects.
struct Shell {
    /// Bumped by a restart or a stop: answers of an older run are dropped.
    generation: u32,
    stopped: bool,
    sleeper: Sleeper,
    lock: Option<HeldLock>,
    /// The window this run opened (kept open when the run ends: the buyer
    /// may be confirming in it).
    window: Option<web_sys::Window>,
    /// A blank window the page opened during the click that started the
    /// flow, before the flow's code had arrived: the flow's first
    /// [`ShellEffect::OpenWindow`] without an address takes it.
    ready_window: Option<web_sys::Window>,
    sign_in_again: Rc<dyn Fn()>,
    navigate: Option<Navigate>,
}

type SharedShell = Rc<RefCell<Shell>>;

/// Delivers an answer that comes later to the run that asked.
type Later = Box<dyn FnOnce(ShellAnswer)>;

impl Shell {
    fn is_current(shell: &SharedShell, generation: u32) -> bool {
        let shell = shell.borrow();
        !shell.stopped && shell.generation == generation
    }

    /// Starts a new run (or, `stopped`, none): earlier waits end, the lock
    /// is let go.
    fn next_run(&mut self, stopped: bool) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        self.stopped = stopped;
        self.lock = None;
        self.sleeper.wake();
        self.generation
    }

    /// Performs one of the shared effects; returns its answer when it is
    /// known at once, or hands it to `later` when it comes.
    fn perform(
        shell: &SharedShell,
        generation: u32,
        effect: ShellEffect,
        later: &dyn Fn() -> Later,
    ) -> Option<ShellAnswer> {
        match effect {
            ShellEffect::TryLock { name } => {
                let (shell, later) = (Rc::clone(shell), later());
                spawn_local(async move {
                    let answer = match locks::try_lock(&name).await {
                        LockAttempt::Held(lock) => {
                            if !Shell::is_current(&shell, generation) {
                                return;
                            }
                            shell.borrow_mut().lock = Some(lock);
                            LockAnswer::Held
                        }
                        LockAttempt::Busy => LockAnswer::Busy,
                        LockAttempt::Unsupported => LockAnswer::Unsupported,
                    };
                    later(ShellAnswer::Lock(answer));
                });
                None
            }
            ShellEffect::WaitForLock { name } => {
                let later = later();
                spawn_local(async move {
                    drop(locks::lock(&name).await);
                    later(ShellAnswer::Lock(LockAnswer::Freed));
                });
                None
            }
            ShellEffect::ReleaseLock => {
                shell.borrow_mut().lock = None;
                None
            }
            ShellEffect::Activations(change) => {
                change_activations(change).map(ShellAnswer::Activation)
            }
            ShellEffect::SignInAgain => {
                // Not called under the borrow: the sign-in may end the page.
                let sign_in_again = Rc::clone(&shell.borrow().sign_in_again);
                sign_in_again();
                None
            }
            ShellEffect::OpenWindow { url } => {
                let ready = shell.borrow_mut().ready_window.take();
                let window = match (url, ready) {
                    (None, Some(window)) => Some(window),
                    (Some(url), _) => popup::open(url.as_str()),
                    (None, None) => popup::open_blank(),
                };
                let answer = if window.is_some() {
                    WindowAnswer::Opened
                } else {
                    WindowAnswer::Blocked
                };
                shell.borrow_mut().window = window;
                Some(ShellAnswer::Window(answer))
            }
            ShellEffect::ShowInWindow(url) => {
                if let Some(window) = &shell.borrow().window {
                    popup::send_to(window, &url);
                }
                None
            }
            ShellEffect::CloseWindow => {
                if let Some(window) = shell.borrow_mut().window.take() {
                    popup::close(&window);
                }
                None
            }
            ShellEffect::Leave(url) => {
                dom::navigate_to(&url);
                None
            }
            ShellEffect::Navigate(path) => {
                Shell::navigate(shell, &path, false);
                None
            }
            ShellEffect::Redirect(path) => {
                Shell::navigate(shell, &path, true);
                None
            }
            ShellEffect::ReplaceAddress(path) => {
                dom::replace_address(&path);
                None
            }
            ShellEffect::Remember { place, key, value } => Some(ShellAnswer::Remembered(
                storage::set(area_of(place), key, &value),
            )),
            ShellEffect::Recall { place, key, take } => {
                let value = if take {
                    storage::take(area_of(place), key)
                } else {
                    storage::get(area_of(place), key)
                };
                Some(ShellAnswer::Recalled(value))
            }
            ShellEffect::DrawRandomness => Some(ShellAnswer::Randomness(
                random::sign_in_randomness().map(Randomness::new),
            )),
        }
    }

    /// Not called under the borrow: leaving the page stops the run.
    fn navigate(shell: &SharedShell, path: &str, replace: bool) {
        let navigate = shell.borrow().navigate.clone();
        if let Some(navigate) = navigate {
            navigate(path, replace);
        }
    }
}

fn area_of(place: Place) -> Area {
    match place {
        Place::Tab => Area::Session,
        Place::Browser => Area::Local,
    }
}

struct Run<M: Machine> {
    machine: M,
    changed: Box<dyn Fn(&M)>,
    send: Option<SendRequest<M>>,
}

/// Runs one flow for one page. Cloning shares the run.
pub struct Runner<M: Machine> {
    run: Rc<RefCell<Run<M>>>,
    shell: SharedShell,
}

impl<M: Machine> Clone for Runner<M> {
    fn clone(&self) -> Self {
        Self {
            run: Rc::clone(&self.run),
            shell: Rc::clone(&self.shell),
        }
    }
}

/// A running flow as a page that did not start it sees it: through this
/// trait, a page can drive a runner made in a wasm chunk without the
/// flow's code entering the page's own module.
pub trait Drive<E> {
    fn dispatch(&self, event: E);
    fn stop(&self);
}

impl<M: Machine + 'static> Drive<M::Event> for Runner<M> {
    fn dispatch(&self, event: M::Event) {
        Runner::dispatch(self, event);
    }

    fn stop(&self) {
        Runner::stop(self);
    }
}

/// What the shell observes now.
pub fn current_env() -> Env {
    Env {
        now_ms: dom::now_ms(),
        jitter_sample: random::jitter_sample(),
        visible: !dom::page_hidden(),
        online: !dom::is_offline(),
    }
}

impl<M: Machine + 'static> Runner<M> {
    pub fn new(machine: M, hooks: Hooks<M>) -> Self {
        Self {
            run: Rc::new(RefCell::new(Run {
                machine,
                changed: hooks.changed,
                send: None,
            })),
            shell: Rc::new(RefCell::new(Shell {
                generation: 0,
                stopped: false,
                sleeper: Sleeper::new(),
                lock: None,
                window: None,
                ready_window: None,
                sign_in_again: Rc::from(hooks.sign_in_again),
                navigate: hooks.navigate,
            })),
        }
    }

    /// Starts a new run with `send` for its requests: whatever the previous
    /// run was waiting for is dropped, then `event` is delivered.
    pub fn restart(&self, send: SendRequest<M>, event: M::Event) {
        self.run.borrow_mut().send = Some(send);
        let generation = self.shell.borrow_mut().next_run(false);
        self.deliver(generation, event);
    }

    /// Sends the flow's requests with `send`, for a flow that waits for the
    /// page's first event instead of starting at once.
    pub fn send_with(&self, send: SendRequest<M>) {
        self.run.borrow_mut().send = Some(send);
    }

    /// Hands over a blank window the page opened during the click, for the
    /// flow's first window.
    pub fn with_ready_window(&self, window: web_sys::Window) {
        self.shell.borrow_mut().ready_window = Some(window);
    }

    /// Delivers an event from the page (a button) to the current run.
    pub fn dispatch(&self, event: M::Event) {
        let generation = self.shell.borrow().generation;
        self.deliver(generation, event);
    }

    /// Ends the run for good (the page is left).
    pub fn stop(&self) {
        if let Ok(mut shell) = self.shell.try_borrow_mut() {
            shell.next_run(true);
        }
        if let Ok(mut run) = self.run.try_borrow_mut() {
            run.send = None;
        }
    }

    /// Reads the flow's state.
    pub fn with<R>(&self, read: impl FnOnce(&M) -> R) -> R {
        read(&self.run.borrow().machine)
    }

    fn deliver(&self, generation: u32, event: M::Event) {
        let mut queue = VecDeque::from([event]);
        while let Some(event) = queue.pop_front() {
            if !Shell::is_current(&self.shell, generation) {
                return;
            }
            let effects = {
                let Ok(mut run) = self.run.try_borrow_mut() else {
                    return;
                };
                run.machine.update(event, &current_env())
            };
            {
                let run = self.run.borrow();
                (run.changed)(&run.machine);
            }
            // Answers known at once (the log) are delivered in order, after
            // every effect of this update has been performed.
            for effect in effects {
                queue.extend(self.perform(generation, effect));
            }
        }
    }

    /// Performs one effect; returns its answer when it is known at once.
    fn perform(&self, generation: u32, effect: Effect<M::Request, M::Event>) -> Option<M::Event> {
        match effect {
            Effect::Send(request) => {
                let send = self.run.borrow().send.clone()?;
                let answer = send(request);
                let runner = self.clone();
                spawn_local(async move {
                    let event = answer.await;
                    runner.deliver(generation, event);
                });
                None
            }
            Effect::After { ms, then } => {
                let sleeper = self.shell.borrow().sleeper;
                let runner = self.clone();
                spawn_local(async move {
                    sleeper
                        .sleep_ms(u32::try_from(ms).unwrap_or(u32::MAX))
                        .await;
                    runner.deliver(generation, then);
                });
                None
            }
            Effect::Shell(effect) => {
                let later = || -> Later {
                    let runner = self.clone();
                    Box::new(move |answer| runner.deliver(generation, answer.into()))
                };
                Shell::perform(&self.shell, generation, effect, &later).map(Into::into)
            }
        }
    }
}

/// What this browser's activation log (shared by its tabs) says of a
/// charge.
pub fn logged_activation(kind: ChargeKind, id: &str) -> Option<ActivationState> {
    let change = ActivationChange {
        op: ActivationOp::Read,
        kind,
        id: id.to_owned(),
    };
    match change_activations(change) {
        Some(ActivationAnswer::State(state)) => state,
        _ => None,
    }
}

/// Reads, changes and writes back the activation log in one synchronous
/// step, so two tabs cannot interleave inside it (the page's JavaScript
/// runs on one thread).
fn change_activations(change: ActivationChange) -> Option<ActivationAnswer> {
    let mut log = storage::get(Area::Local, ActivationLog::STORAGE_KEY)
        .map(|json| ActivationLog::from_json(&json))
        .unwrap_or_default();
    let now = dom::now_ms();
    let (kind, id) = (change.kind, change.id.as_str());
    let answer = match change.op {
        ActivationOp::Read => return Some(ActivationAnswer::State(log.state_of(kind, id, now))),
        ActivationOp::Claim => Some(ActivationAnswer::Claimed(log.claim(kind, id, now))),
        ActivationOp::MarkDone => {
            log.mark_done(kind, id, now);
            None
        }
        ActivationOp::Release => {
            log.release(kind, id);
            None
        }
    };
    storage::set(Area::Local, ActivationLog::STORAGE_KEY, &log.to_json());
    answer
}
