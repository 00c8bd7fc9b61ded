//! The life-cycle state of an exchange, as the VC API reports it: the coordinator reads the same
//! states the workflow service ([`crate::exchange`]) writes, so it uses the same type.

pub use crate::exchange::ExchangeState;
