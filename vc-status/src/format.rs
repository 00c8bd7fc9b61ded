//! Which status list vocabulary a registry speaks.

use serde::{Deserialize, Serialize};

use crate::StatusPurpose;

/// The VC Data Model 2.0 context, which defines the Bitstring Status List terms.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The VC Data Model 1.1 context.
pub const VC_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// The StatusList2021 context (used with VC 1.1 credentials).
pub const STATUS_LIST_2021_CONTEXT: &str = "https://w3id.org/vc/status-list/2021/v1";

/// The status list format: Bitstring Status List v1.0 (VC 2.0), StatusList2021 (VC 1.1), or the
/// IETF Token Status List (SD-JWT VC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ListFormat {
    /// W3C Bitstring Status List v1.0: `BitstringStatusListEntry`, a VC 2.0
    /// `BitstringStatusListCredential`, `encodedList` with the multibase `u` prefix.
    #[default]
    BitstringStatusList,
    /// StatusList2021: `StatusList2021Entry`, a VC 1.1 `StatusList2021Credential`, `encodedList`
    /// without a multibase prefix; purposes `revocation` and `suspension` only, 1-bit entries.
    StatusList2021,
    /// The IETF Token Status List (draft-ietf-oauth-status-list), for SD-JWT VCs and other JOSE or
    /// COSE tokens: a Referenced Token carries `status: {status_list: {idx, uri}}`
    /// ([`StatusEntry::status_claim`](crate::StatusEntry::status_claim)), the list is served as a
    /// Status List Token. Purposes `revocation` (1-bit lists; a set entry is `0x01` INVALID) and
    /// `suspension` (2-bit lists; a set entry is `0x02` SUSPENDED), so that the value means what
    /// the draft's status types say. Entries are stored with the internal `type`
    /// `TokenStatusListEntry`.
    TokenStatusList,
}

impl ListFormat {
    /// The `type` of a credential status entry.
    pub fn entry_type(self) -> &'static str {
        match self {
            ListFormat::BitstringStatusList => "BitstringStatusListEntry",
            ListFormat::StatusList2021 => "StatusList2021Entry",
            ListFormat::TokenStatusList => "TokenStatusListEntry",
        }
    }

    /// The format whose entry `type` is `ty`.
    pub fn from_entry_type(ty: &str) -> Option<Self> {
        [
            ListFormat::BitstringStatusList,
            ListFormat::StatusList2021,
            ListFormat::TokenStatusList,
        ]
        .into_iter()
        .find(|f| f.entry_type() == ty)
    }

    /// The second `type` of the list credential (after `VerifiableCredential`).
    pub fn credential_type(self) -> &'static str {
        match self {
            ListFormat::BitstringStatusList => "BitstringStatusListCredential",
            ListFormat::StatusList2021 => "StatusList2021Credential",
            ListFormat::TokenStatusList => "statuslist+jwt",
        }
    }

    /// The `type` of the list credential's subject.
    pub fn subject_type(self) -> &'static str {
        match self {
            ListFormat::BitstringStatusList => "BitstringStatusList",
            ListFormat::StatusList2021 => "StatusList2021",
            ListFormat::TokenStatusList => "status_list",
        }
    }

    /// The `@context` of the list credential.
    pub fn contexts(self) -> &'static [&'static str] {
        match self {
            ListFormat::BitstringStatusList => &[VC_V2_CONTEXT],
            ListFormat::StatusList2021 => &[VC_V1_CONTEXT, STATUS_LIST_2021_CONTEXT],
            ListFormat::TokenStatusList => &[],
        }
    }

    /// Whether this format supports `purpose`.
    pub fn supports(self, purpose: StatusPurpose) -> bool {
        match self {
            ListFormat::BitstringStatusList => true,
            ListFormat::StatusList2021 | ListFormat::TokenStatusList => matches!(
                purpose,
                StatusPurpose::Revocation | StatusPurpose::Suspension
            ),
        }
    }

    /// The value a set entry of `purpose` holds: 1, except for Token Status List suspension,
    /// where it is `0x02` (SUSPENDED; `0x01` would say INVALID).
    pub fn set_value(self, purpose: StatusPurpose) -> u8 {
        match (self, purpose) {
            (ListFormat::TokenStatusList, StatusPurpose::Suspension) => {
                crate::TOKEN_STATUS_SUSPENDED
            }
            _ => 1,
        }
    }

    /// The entry size of a `purpose` list (other than `message`, whose size is configured): 1 bit,
    /// except 2 bits for Token Status List suspension.
    pub fn status_size(self, purpose: StatusPurpose) -> crate::StatusSize {
        match (self, purpose) {
            (ListFormat::TokenStatusList, StatusPurpose::Suspension) => crate::StatusSize::TWO,
            _ => crate::StatusSize::ONE,
        }
    }
}
