//! Empty: everything is in benches/rdfc_vs_ssi.rs.
