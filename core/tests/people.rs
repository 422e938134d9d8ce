//! People: names by their cues, one entry per person, roles collected.

use enricher_core::enriched::Person;
use enricher_core::{decode, enrich, DecodeLimits};

fn people(text: &str) -> Vec<Person> {
    let raw = decode(text.as_bytes(), None, &DecodeLimits::default()).expect("plain text decodes");
    enrich(raw).entities.people
}

fn names(text: &str) -> Vec<String> {
    people(text).into_iter().map(|p| p.name).collect()
}

#[test]
fn titles_given_names_and_surnames_make_one_person() {
    let p = people(
        "Ukrainian President Olena Marchuk visited Kyiv on Monday.\n\nMarchuk said the talks went well. Olena Marchuk later left.",
    );
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].name, "Olena Marchuk");
    assert_eq!(p[0].roles, vec!["Ukrainian President"]);
    assert_eq!(p[0].count, 3);
}

#[test]
fn sentence_capitals_places_and_organizations_are_not_people() {
    let n = names("Since October, Ukraine has worked with European partners.\n\nAdvertisement\n\nRead the report by the Ministry of Finance, state agency Statinfo reported from Kyiv.");
    assert!(n.is_empty(), "{n:?}");
}

#[test]
fn headline_case_lines_make_no_people() {
    let n = names("Mary Lou Wins Big In Ohio Primary Race\n\nVoters turned out early.");
    assert!(n.is_empty(), "{n:?}");
}

#[test]
fn honorifics_and_appositive_roles() {
    let p = people("Mr. Hollins spoke first. Kim Strach, executive director of the State Board of Elections, spoke next.\n\nThe mayor’s spokeswoman, AshLee Strong, said little.");
    let find = |n: &str| {
        p.iter()
            .find(|x| x.name == n)
            .unwrap_or_else(|| panic!("{n} in {p:#?}"))
    };
    assert_eq!(
        find("Kim Strach").roles,
        vec!["executive director of the State Board of Elections"]
    );
    assert_eq!(find("AshLee Strong").roles, vec!["mayor’s spokeswoman"]);
    find("Hollins");
}

#[test]
fn surname_particles_stay_in_the_name() {
    let p = people(
        "“We are not against modernisation,” said Anke de Vries, a spokeswoman for the union.\n\n\
         European Commission President Ursula von der Leyen said the deal would hold. \
         Crown Prince Mohammed bin Salman met reporters. Guillermo del Toro said little.\n\n\
         Von der Leyen and Ms. de Vries spoke again. “No,” said Federico de Jesús, a spokesman.",
    );
    let n: Vec<_> = p.iter().map(|x| (x.name.as_str(), x.count)).collect();
    // `Von der Leyen` and `de Vries` are later mentions of the same two.
    assert_eq!(
        n,
        vec![
            ("Anke de Vries", 2),
            ("Ursula von der Leyen", 2),
            ("Mohammed bin Salman", 1),
            ("Guillermo del Toro", 1),
            ("Federico de Jesús", 1)
        ]
    );
}

#[test]
fn a_lowercase_word_between_capitals_is_no_particle_unless_listed() {
    let n = names("Port director Martin Hollander de facto ran the Port of Rotterdam and Ghent.");
    assert_eq!(n, vec!["Martin Hollander"]);
}

#[test]
fn two_people_sharing_a_surname_stay_apart() {
    let n = names("Bill Clinton and Hillary Clinton arrived. Hillary Clinton spoke.");
    assert_eq!(n, vec!["Bill Clinton", "Hillary Clinton"]);
}

#[test]
fn a_nickname_and_its_given_name_are_one_person() {
    let p = people(
        "Sen. Chuck Grassley opened the hearing.\n\nCharles Grassley said the committee would vote. \
         Ken Starr and Kenneth Starr are one man too, but Bill Clinton and Hillary Clinton are two.",
    );
    let n: Vec<(&str, usize)> = p.iter().map(|x| (x.name.as_str(), x.count)).collect();
    assert_eq!(
        n,
        [
            ("Charles Grassley", 2),
            ("Kenneth Starr", 2),
            ("Bill Clinton", 1),
            ("Hillary Clinton", 1)
        ],
        "{p:#?}"
    );
}

#[test]
fn a_speech_verb_or_according_to_before_a_name() {
    assert_eq!(
        names("Lead.\n\nThe hearing ran late. “We will appeal,” said Tenzing Quill, who represents the family."),
        vec!["Tenzing Quill"]
    );
    assert_eq!(
        names("Lead.\n\nThe count is not over, according to Ilse Varga of the election office."),
        vec!["Ilse Varga"]
    );
}

#[test]
fn a_title_word_can_be_a_surname_after_a_given_name() {
    assert_eq!(
        names("Lead.\n\nThe firm grew fast. Matthew Prince, its chief executive, expects more."),
        vec!["Matthew Prince"]
    );
    // A title before a name is still a title.
    assert_eq!(
        names("Lead.\n\nThe visit ended when Prince Harry left."),
        vec!["Harry"]
    );
}

#[test]
fn an_initial_keeps_its_period_as_written() {
    let n = names(
        "Michael J. Petrilli, president of the institute, said the plan works.\n\nSen. Ann B. Lee and Harry S Truman Jones spoke. Petrilli agreed.",
    );
    assert!(n.contains(&"Michael J. Petrilli".to_owned()), "{n:?}");
    assert!(n.contains(&"Ann B. Lee".to_owned()), "{n:?}");
    // No period in the text, none in the name.
    assert!(n.contains(&"Harry S Truman Jones".to_owned()), "{n:?}");
}

#[test]
fn places_parties_and_sentence_adverbs_beside_a_comma_are_not_people() {
    // Each of these runs stands beside a comma or a role word, which lets
    // a one-word surname (`Strong, a spokeswoman,`) be a person's.
    let n = names(
        "During a campaign stop in Onawa, Iowa, the Republican presidential candidate repeated his promise.\n\n\
         Still, as Mr. Clinton starts a campaign swing, Democrats, who cringe at his words, wait. \
         A major Muslim civil rights group says it will sue.\n\n\
         In a statement to the Observer, her senior policy adviser, Jake Sullivan, said little. \
         New Hampshire, which votes Tuesday, is next. \
         Some Democrats said little, and Utah Republican Mike Lee agreed.",
    );
    assert_eq!(n, ["Clinton", "Jake Sullivan", "Mike Lee"], "{n:?}");
}

#[test]
fn appositive_roles_are_noun_phrases() {
    let p = people(
        "Mark Penn, a Democratic pollster who worked for both Clintons, spoke. \
         Jim Brady, who was press secretary to President Ronald Reagan, died.\n\n\
         Tad Devine, a senior adviser to Mr. Sanders, agreed. \
         Anna Kovacs, the mayor is sure, will run.\n\n\
         David Fenton, a strategist for progressive causes whose agency, Fenton, \
         made the ads, said its goal was a bipartisan solution.",
    );
    let roles = |n: &str| {
        p.iter()
            .find(|x| x.name == n)
            .unwrap_or_else(|| panic!("{n} in {p:#?}"))
            .roles
            .clone()
    };
    assert_eq!(roles("Mark Penn"), ["Democratic pollster"]);
    assert_eq!(
        roles("Jim Brady"),
        ["press secretary to President Ronald Reagan"]
    );
    assert_eq!(roles("Tad Devine"), ["senior adviser to Mr. Sanders"]);
    // A relative pronoun ends the role, `whose` as well as `who`.
    assert_eq!(roles("David Fenton"), ["strategist for progressive causes"]);
    assert!(roles("Anna Kovacs").is_empty(), "{p:#?}");
}

#[test]
fn an_honorific_is_the_whole_role_before_a_name() {
    let p = people("Voters who backed Mr. Trump stayed home. Obama sees Mr. Trump as a threat.");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].roles, ["Mr."]);
}

#[test]
fn a_role_before_a_name_stops_at_the_sentence_verb() {
    let p = people(
        "Clinton's campaign backed Texas Sen. Laura Diaz on Monday. \
         Voters warmed toward acting Mayor Tom Reyes.",
    );
    let roles: Vec<_> = p
        .iter()
        .map(|x| (x.name.as_str(), x.roles.clone()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Laura Diaz", vec!["Texas Sen.".to_owned()]),
            ("Tom Reyes", vec!["acting Mayor".to_owned()])
        ],
        "{p:#?}"
    );
}

#[test]
fn initials_stay_in_the_name_and_tell_people_apart() {
    let n = names(
        "CBC Chairman G.K. Butterfield spoke first.\n\n\
         President George H.W. Bush met President George W. Bush in Houston.",
    );
    assert_eq!(
        n,
        ["G.K. Butterfield", "George H.W. Bush", "George W. Bush"],
        "{n:?}"
    );
}

#[test]
fn a_generational_suffix_keeps_the_surname_and_tells_father_from_son() {
    let p = people(
        "Vice President Joseph R. Biden Jr. spoke on Monday. Biden said little.\n\n\
         Donald J. Trump and his son Donald Trump Jr. arrived later.",
    );
    let counts: Vec<_> = p.iter().map(|x| (x.name.as_str(), x.count)).collect();
    assert_eq!(
        counts,
        [
            ("Joseph R. Biden Jr", 2),
            ("Donald J. Trump", 1),
            ("Donald Trump Jr", 1)
        ],
        "{p:#?}"
    );
}

#[test]
fn initials_alone_and_nationalities_are_no_one() {
    let n = names("The FDIC, a major U.S. banking regulator, said so. John F. Kerry, the chief U.S. negotiator, agreed.\n\nAt a summit in Hilton Head, S.C., Rubio spoke.\n\nThe first volunteers are Eva Miller and Gloria Major, African American women who remember. Ali Said, an Iranian American, agreed.");
    for junk in ["U.S", "S.C", "African American", "Iranian American"] {
        assert!(!n.iter().any(|x| x == junk), "{junk} in {n:?}");
    }
    assert!(n.iter().any(|x| x == "John F. Kerry"), "{n:?}");
}

#[test]
fn a_conjunction_opening_the_sentence_is_not_a_given_name() {
    let p = people("Peter Santilli, a self-styled journalist, was arrested.\n\nDespite Santilli’s continued insistence that he was at the refuge, a judge kept him in jail after hearing clips of Santilli’s own radio show.\n\nAs the judge read his decision, Santilli listened. Although Santilli denied it, the judge agreed.");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].name, "Peter Santilli");
    assert_eq!(p[0].count, 5);
    let p = people("Sen. John McCain, a Republican, spoke first.\n\nEven McCain, chairman of the Armed Services Committee, agreed.");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!((p[0].name.as_str(), p[0].count), ("John McCain", 2));
}

#[test]
fn organization_place_event_and_group_words_make_no_person() {
    let n = names("The records request came from the conservative group Judicial Watch, the report said.\n\nHe prayed at the Fort Pierce mosque, praying with Sen. Jon Ross, who lived through the Cold War era, people told Bloomberg Politics, a news site.\n\nAs one employee told Palo Alto Weekly, “She wants to put fear in our hearts.” A reception was held at the Cleveland Public Library, hosted by Michigan Gov. Rick Snyder. He said American Jews “know all too well what can happen.”");
    assert_eq!(n, vec!["Jon Ross", "Rick Snyder"]);
}

#[test]
fn admiral_and_supervisor_are_titles() {
    let p = people("“This is a time of cooperation,” Rear Admiral Guan Youfei told reporters.\n\nSan Francisco Supervisor Jane Kim, who is running for the state Senate, spoke.");
    let got: Vec<(&str, &[String])> = p.iter().map(|p| (p.name.as_str(), &p.roles[..])).collect();
    assert_eq!(
        got,
        vec![
            ("Guan Youfei", &["Rear Admiral".to_string()][..]),
            ("Jane Kim", &["San Francisco Supervisor".to_string()][..]),
        ]
    );
}

#[test]
fn a_possessive_organization_is_no_person() {
    let n = names("Mrs. Clinton celebrated the Justice Department’s decision not to indict her.\n\nIn 2008, Trump said, the Donald J. Trump Foundation's donation made his father a sponsor.");
    assert_eq!(n, vec!["Clinton"]);
}

#[test]
fn a_middle_initial_is_no_article() {
    let p = people("However, Jill A. Martin, vice president of the Trump Organization, said the allegations had no substance.");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].name, "Jill A. Martin");
    assert_eq!(p[0].roles, vec!["vice president of the Trump Organization"]);
}

#[test]
fn principal_is_a_title() {
    let p = people("Erica Smegielski, the 30-year-old daughter of Sandy Hook Elementary Principal Dawn Hochsprung, complained on Friday.");
    let dawn = p
        .iter()
        .find(|p| p.name == "Dawn Hochsprung")
        .expect("Dawn Hochsprung");
    assert_eq!(dawn.roles, vec!["Sandy Hook Elementary Principal"]);
}
