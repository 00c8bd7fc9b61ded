//! The module, the token's slot, the user's login, and a small pool of sessions on the token.
//!
//! A PKCS#11 session serves one thread at a time, and opening one (with its login) costs a
//! round trip to the HSM: the pool keeps the sessions it opened for the next signature, and
//! hands out at most `max_sessions` at once (tokens limit how many are open). Everything here
//! blocks: it runs on tokio's blocking threads.

use std::path::Path;
use std::sync::{Arc, Mutex};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::RvError;
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use tokio::sync::Semaphore;

use super::error::{rv, Pkcs11Error};
use super::TokenSelector;

pub(super) struct SessionPool {
    pkcs11: Pkcs11,
    slot: Slot,
    pin: AuthPin,
    idle: Mutex<Vec<Session>>,
    /// One permit per session that may be in use at once; taken before a blocking task starts,
    /// so that callers wait on the runtime rather than on blocking threads.
    pub(super) permits: Arc<Semaphore>,
}

impl SessionPool {
    /// Loads the module (or reuses it: a process initializes a module once, and every signer
    /// on it shares that), finds the token's slot, and logs a first session in.
    pub(super) fn open(
        module: &Path,
        token: &TokenSelector,
        pin: AuthPin,
        max_sessions: usize,
    ) -> Result<Self, Pkcs11Error> {
        let load = |source| Pkcs11Error::ModuleLoad {
            path: module.to_owned(),
            source,
        };
        let pkcs11 = Pkcs11::new(module).map_err(load)?;
        match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Err(error) if rv(&error) != Some(RvError::CryptokiAlreadyInitialized) => {
                return Err(load(error))
            }
            _ => {}
        }
        let slot = find_slot(&pkcs11, token)?;
        let pool = Self {
            pkcs11,
            slot,
            pin,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(max_sessions.max(1))),
        };
        Ok(pool)
    }

    /// A session logged in as the user: an idle one, or a new one.
    pub(super) fn take(&self) -> Result<PooledSession<'_>, Pkcs11Error> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let session = match idle {
            Some(session) => session,
            None => {
                let session = self
                    .pkcs11
                    .open_ro_session(self.slot)
                    .map_err(Pkcs11Error::call)?;
                self.ensure_login(&session)?;
                session
            }
        };
        Ok(PooledSession {
            pool: self,
            session: Some(session),
        })
    }

    /// Logs the application in unless the session says it is: the login belongs to the
    /// application, not the session, so once one session of this process logged in to the token,
    /// every other one is logged in too, until the last one closes or one logs out.
    pub(super) fn ensure_login(&self, session: &Session) -> Result<(), Pkcs11Error> {
        let state = session
            .get_session_info()
            .map_err(Pkcs11Error::call)?
            .session_state();
        if matches!(state, SessionState::RoPublic | SessionState::RwPublic) {
            self.login(session)?;
        }
        Ok(())
    }

    /// Closes the idle sessions (the token invalidated them all).
    pub(super) fn clear_idle(&self) {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// Logs the application in to the token as the user.
    ///
    /// When it already is (another session of the process, or another signer on the same token,
    /// logged in), the token says so without checking the PIN.
    pub(super) fn login(&self, session: &Session) -> Result<(), Pkcs11Error> {
        match session.login(UserType::User, Some(&self.pin)) {
            Ok(()) => Ok(()),
            Err(error) if rv(&error) == Some(RvError::UserAlreadyLoggedIn) => Ok(()),
            Err(error) => Err(Pkcs11Error::call(error)),
        }
    }
}

/// A session out of the pool, back in it when dropped unless [discarded](Self::discard).
pub(super) struct PooledSession<'a> {
    pool: &'a SessionPool,
    session: Option<Session>,
}

impl PooledSession<'_> {
    pub(super) fn session(&self) -> &Session {
        // `None` only once dropped or discarded, which consume it.
        self.session
            .as_ref()
            .unwrap_or_else(|| unreachable!("a pooled session is held until it is dropped"))
    }

    /// Closes the session rather than pooling it (the token said it is broken).
    pub(super) fn discard(mut self) {
        self.session = None;
    }
}

impl Drop for PooledSession<'_> {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(session);
        }
    }
}

/// The slot that holds the token.
fn find_slot(pkcs11: &Pkcs11, token: &TokenSelector) -> Result<Slot, Pkcs11Error> {
    let slots = pkcs11.get_slots_with_token().map_err(Pkcs11Error::call)?;
    let not_found = || Pkcs11Error::TokenNotFound {
        token: token.to_string(),
    };
    match token {
        TokenSelector::Slot(id) => slots
            .into_iter()
            .find(|slot| slot.id() == *id)
            .ok_or_else(not_found),
        TokenSelector::Label(label) => {
            let mut matching = Vec::new();
            for slot in slots {
                let info = pkcs11.get_token_info(slot).map_err(Pkcs11Error::call)?;
                if info.token_initialized() && info.label() == label {
                    matching.push(slot);
                }
            }
            match matching.as_slice() {
                [] => Err(not_found()),
                [one] => Ok(*one),
                more => Err(Pkcs11Error::TokenAmbiguous {
                    label: label.clone(),
                    count: more.len(),
                }),
            }
        }
    }
}
