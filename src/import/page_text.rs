// TEMPORARY compile stub; replaced by the real importer.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SiteProfile { name: String }
#[derive(Debug, thiserror::Error)]
#[error("bad profile")]
pub struct ProfileError;
impl SiteProfile {
    pub fn from_toml(_s: &str) -> Result<SiteProfile, ProfileError> { Err(ProfileError) }
    pub fn name(&self) -> &str { &self.name }
    pub fn matches(&self, _t: &str) -> bool { false }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedRole { Writer, Editor, Contributor, Photographer }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDateTime { pub year: i16, pub month: i8, pub day: i8, pub hour: i8, pub minute: i8 }
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedBlock { Paragraph(String), Heading(String), ReadAlso(String) }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedArticle { pub headline: String, pub published: LocalDateTime, pub zone: String, pub updated: Option<LocalDateTime>, pub contributors: Vec<(String, ImportedRole)>, pub sources: Vec<String>, pub dateline: Option<String>, pub body: Vec<ImportedBlock> }
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError { #[error("no headline")] NoHeadline }
pub fn parse(_t: &str, _p: &SiteProfile) -> Result<ImportedArticle, ImportError> { Err(ImportError::NoHeadline) }
