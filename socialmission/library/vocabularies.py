"""The vocabularies a new library starts with (PRODUCT.md); curators edit them afterwards."""

from __future__ import annotations

DOMAINS = [
    (
        "Pathways, Admission & Graduation",
        "pathways-admission-graduation",
        "Alternative metrics and holistic admissions, pathway programs, recruitment strategies, "
        "and financial support.",
    ),
    (
        "Curriculum & Programming",
        "curriculum-programming",
        "Incorporation of health equity principles, interprofessional education, community-based "
        "learning, curriculum review, and competencies.",
    ),
    (
        "Community Engagement",
        "community-engagement",
        "Community health needs assessments, community partnerships, and community representation "
        "in health professions education.",
    ),
    (
        "Students & Faculty",
        "students-faculty",
        "Advocacy training for students and faculty, faculty promotion, faculty research, and "
        "faculty and leadership demographics.",
    ),
    (
        "Governance & Accountability",
        "governance-accountability",
        "Efforts to measure, assess, or evaluate institutional performance related to social "
        "mission, leadership demographics, and strategic planning.",
    ),
]

TOPICS = [
    (
        "Diversity, inclusion & belonging",
        "diversity-inclusion-belonging",
        "Diversity and representation of underrepresented groups among learners, faculty and "
        "leadership; the climate of an institution as seen by those underrepresented; policies and "
        "governance structures that institutionalize social mission.",
    ),
    (
        "Practice in underserved areas or settings",
        "practice-underserved-areas",
        "Learners and providers serving rural or underserved communities and facilities.",
    ),
    (
        "Specialty choice",
        "specialty-choice",
        "Learners and providers practicing in high-need specialty areas, especially primary care.",
    ),
    (
        "Health equity champions",
        "health-equity-champions",
        "Learners, practitioners, faculty and administrators with the knowledge, competencies, "
        "attitudes, skills or intent to address health inequities.",
    ),
    (
        "Community partnerships",
        "community-partnerships",
        "Programs and policies that address community inequities through external partnerships "
        "and practices.",
    ),
    (
        "Patient & community health",
        "patient-community-health",
        "Effects of health professions education on health outcomes at the patient, community or "
        "population level.",
    ),
]

PROFESSIONS = [
    "Medicine",
    "Nursing",
    "Dentistry",
    "Pharmacy",
    "Physician assistant",
    "Public health",
    "Social work",
    "Allied health",
    "Interprofessional",
]

# name, slug, CSL type, schema.org type
RESOURCE_TYPES = [
    ("Peer-reviewed article", "article", "article-journal", "ScholarlyArticle"),
    ("Report", "report", "report", "Report"),
    ("Toolkit", "toolkit", "document", "HowTo"),
    ("Curriculum", "curriculum", "document", "LearningResource"),
    ("Program example", "program-example", "webpage", "CreativeWork"),
    ("Video", "video", "motion_picture", "VideoObject"),
    ("Website", "website", "webpage", "WebSite"),
    ("Book", "book", "book", "Book"),
    ("Dataset", "dataset", "dataset", "Dataset"),
    ("Commentary", "commentary", "article-journal", "ScholarlyArticle"),
]

EVIDENCE_LEVELS = [
    (
        "Evidence-based",
        "evidence-based",
        "Rigorous evaluation (e.g. controlled studies) shows the intended outcomes.",
    ),
    ("Effective", "effective", "Evaluation shows positive outcomes, with less rigorous designs."),
    ("Promising", "promising", "Early evaluation or outcome data suggest it works."),
    ("Emerging", "emerging", "New or not yet evaluated, with a sound rationale."),
    ("Not assessed", "not-assessed", "No curator has rated the evidence yet."),
]

# The library's older Action Areas and the domains each maps onto.
ACTION_AREAS = [
    ("Admissions & Recruitment", "admissions-recruitment", ["pathways-admission-graduation"]),
    ("Educational Programming", "educational-programming", ["curriculum-programming"]),
    (
        "Institutional Culture",
        "institutional-culture",
        ["students-faculty", "governance-accountability"],
    ),
    ("Community Engagement", "action-community-engagement", ["community-engagement"]),
    ("Advocacy & Activism", "advocacy-activism", ["students-faculty", "curriculum-programming"]),
    ("Measurement & Assessment", "measurement-assessment", ["governance-accountability"]),
]

SYNONYMS = [
    ("pipeline", "pathway"),
    ("URM", "underrepresented in medicine"),
    ("SDOH", "social determinants of health"),
    ("IPE", "interprofessional education"),
    ("HBCU", "historically Black colleges and universities"),
    # Added with the relevance set (tests/relevance): words the catalog uses for the same idea.
    ("URM", "underrepresented minority"),
    ("HBCU", "historically Black"),
    ("Hispanic", "Latino"),
    ("Hispanic", "Latina"),
    ("Hispanic", "Latinx"),
    ("Black men", "Black males"),
    ("interprofessional", "interdisciplinary"),
    ("dentist", "dental"),
    ("dentist", "dentistry"),
    ("pharmacist", "pharmacy"),
]
