//! One test per attribution pattern, on short hand-written articles.

use enricher_core::enriched::{EnrichedArticle, Quote, QuoteKind};
use enricher_core::{decode, enrich, DecodeLimits};

mod common;
use common::slice;

fn run(text: &str) -> EnrichedArticle {
    let raw = decode(text.as_bytes(), None, &DecodeLimits::default()).expect("plain text decodes");
    enrich(raw)
}

fn direct(a: &EnrichedArticle) -> Vec<&Quote> {
    a.quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Direct)
        .collect()
}

/// The one direct quote of `text`: (quoted text, speaker mention, name, role, cue).
fn only(text: &str) -> (String, String, String, Option<String>, Option<String>) {
    let a = run(text);
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 1, "{:#?}", a.quotes);
    let q = quotes[0];
    let s = q.speaker.as_ref().expect("a speaker");
    (
        slice(&a.text, q.start, q.end),
        slice(&a.text, s.start, s.end),
        s.name.clone(),
        s.role.clone(),
        q.cue.as_ref().map(|c| c.text.clone()),
    )
}

#[test]
fn quote_then_name_said() {
    let (q, mention, name, _, cue) =
        only("“We will fix every road in the county,” Maria Lopez said.");
    assert_eq!(q, "“We will fix every road in the county,”");
    assert_eq!(
        (mention.as_str(), name.as_str(), cue.as_deref()),
        ("Maria Lopez", "Maria Lopez", Some("said"))
    );
}

#[test]
fn quote_then_said_name_role() {
    let (_, mention, name, role, cue) =
        only("“Taxes stay flat this year,” said Tom Becker, the city treasurer.");
    assert!(mention.starts_with("Tom Becker"), "{mention}");
    assert_eq!(name, "Tom Becker");
    assert_eq!(role.as_deref(), Some("city treasurer"));
    assert_eq!(cue.as_deref(), Some("said"));
}

#[test]
fn name_said_colon_quote() {
    let (q, _, name, _, cue) = only("Anna Weiss said: “The bridge opens in May.”");
    assert_eq!(q, "“The bridge opens in May.”");
    assert_eq!(
        (name.as_str(), cue.as_deref()),
        ("Anna Weiss", Some("said"))
    );
}

#[test]
fn name_said_comma_quote() {
    let (_, mention, _, _, cue) = only("Anna Weiss told reporters, “We are ready for the storm.”");
    assert_eq!(
        (mention.as_str(), cue.as_deref()),
        ("Anna Weiss", Some("told"))
    );
}

#[test]
fn role_name_said_colon_quote() {
    let (_, mention, name, role, _) =
        only("Dutch Foreign Minister Pieter Smit said: “Talks resume next week in Geneva.”");
    assert_eq!(mention, "Dutch Foreign Minister Pieter Smit");
    assert_eq!(name, "Pieter Smit");
    assert_eq!(role.as_deref(), Some("Dutch Foreign Minister"));
}

#[test]
fn pronoun_said_resolves_to_the_last_person() {
    let a = run("Mayor John Carter spoke on Monday.\n\n“We tried everything we could,” he said in a radio interview.");
    let q = direct(&a)[0];
    let s = q.speaker.as_ref().expect("a speaker");
    assert_eq!(slice(&a.text, s.start, s.end), "he");
    assert_eq!(s.name, "John Carter");
    assert_eq!(s.role.as_deref(), Some("Mayor"));
}

#[test]
fn she_skips_a_man_mentioned_later() {
    let a = run("Voters met Sen. Laura Diaz and then Gov. Peter Holm on Friday.\n\n“The vote was close,” she said.");
    assert_eq!(
        direct(&a)[0].speaker.as_ref().map(|s| s.name.as_str()),
        Some("Laura Diaz")
    );
}

#[test]
fn a_pronoun_skips_people_named_inside_quotations() {
    let a = run("Mayor John Carter opened the bridge on Monday.\n\n“No thanks to Governor Tom Reyes,” he said. “We paid for it ourselves,” he added.");
    let names: Vec<_> = direct(&a)
        .iter()
        .map(|q| q.speaker.as_ref().map(|s| s.name.as_str()))
        .collect();
    assert_eq!(names, [Some("John Carter"), Some("John Carter")]);
    // Reyes is still one of the article's people.
    let people = &a.entities.people;
    assert!(people.iter().any(|p| p.name == "Tom Reyes"), "{people:#?}");
}

#[test]
fn a_pronoun_looks_past_an_abbreviation_to_the_sentence_subject() {
    // `Sen.` does not end the sentence: its subject, Howard, is the `he`
    // the next sentence goes on about, not Cruz, the last one named.
    let names = speaker_names("Actor Clint Howard spoke on Monday.\n\nHoward endorsed Sen. Ted Cruz in November. “He has courage,” he said.");
    assert_eq!(names, ["Clint Howard"]);
}

#[test]
fn a_naming_verb_after_its_subject_attributes_the_quote() {
    let a = run("Some backers sounded equivocal. Former Rep. Jane Harman called it “the least bad option under the circumstances.”\n\n\
                 Comedians staged a play called “Los Hijos de Trump” in Mexico City.");
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 1, "{quotes:#?}");
    let s = quotes[0].speaker.as_ref().expect("a speaker");
    assert_eq!(s.name, "Jane Harman");
    assert_eq!(
        quotes[0].cue.as_ref().map(|c| c.text.as_str()),
        Some("called")
    );
}

#[test]
fn as_someone_put_it_or_puts_it() {
    let names = speaker_names(
        "As Mayor Ann Lee put it, “the bridge will stand for a century.”\n\n\
         As columnist Dana Milbank puts it, “the senators are unmoved and the activists uninspired.”",
    );
    assert_eq!(names, ["Ann Lee", "Dana Milbank"]);
}

#[test]
fn a_pronoun_after_name_said_leaves_the_quote_to_the_name() {
    let a =
        run("Trump said he responded: “When you have incoming, you can’t be too presidential.”");
    let s = direct(&a)[0].speaker.clone().expect("a speaker");
    assert_eq!(slice(&a.text, s.start, s.end), "Trump");
    assert_eq!(s.name, "Trump");
}

#[test]
fn a_day_after_the_verb_is_not_an_inverted_subject() {
    let names = speaker_names(
        "“He should resign in disgrace,” the party’s nominee, Anna Kovacs, tweeted Sunday after the attack.",
    );
    assert_eq!(names, ["Anna Kovacs"]);
}

#[test]
fn a_place_after_an_opening_phrase_is_not_the_subject() {
    let names = speaker_names(
        "Speaking at a town hall in Salem, New Hampshire, Anna Kovacs went after her rival, calling him “a total stiff.”",
    );
    assert_eq!(names, ["Anna Kovacs"]);
}

#[test]
fn a_quote_ending_its_own_sentence_keeps_its_subject() {
    let a = run("In an address, President Anna Kovacs condemned the “attack whose nature cannot be denied.” He announced new measures.");
    let s = direct(&a)[0].speaker.clone().expect("a speaker");
    assert_eq!(slice(&a.text, s.start, s.end), "President Anna Kovacs");
}

/// The speaker names of the direct quotes of `text`, in order.
fn speaker_names(text: &str) -> Vec<String> {
    let a = run(text);
    direct(&a)
        .iter()
        .map(|q| q.speaker.as_ref().map_or(String::new(), |s| s.name.clone()))
        .collect()
}

/// The (name, role) of each direct quote's speaker in `text`.
fn speakers_with_roles(text: &str) -> Vec<(String, Option<String>)> {
    let a = run(text);
    direct(&a)
        .iter()
        .map(|q| {
            let s = q.speaker.as_ref().expect("a speaker");
            (s.name.clone(), s.role.clone())
        })
        .collect()
}

#[test]
fn a_pronoun_is_the_subject_of_the_sentence_before_not_its_last_name() {
    let cases = [
        // An apposition naming someone else.
        ("David Axelrod, a longtime adviser to Barack Obama, spoke on Monday.\n\n“Impeaching him is one imperative,” he said.", "David Axelrod"),
        // A name that modifies the subject.
        ("McConnell spokesman Don Stewart would not say when the vote comes.\n\n“I have no announcements,” he said.", "Don Stewart"),
        // A name in an opening phrase, and one after a preposition.
        ("In describing fellow billionaire Donald Trump, Mark Cuban spoke of Joe Biden.\n\n“You have to be able to adapt,” he said.", "Mark Cuban"),
        // A possessive.
        ("Asked about Trump’s remarks, Chris Christie blamed the press.\n\n“She started this conversation,” he said.", "Chris Christie"),
        // An inverted attribution: its subject comes last.
        ("Donald Trump is strategic now, said Jeffery Hemsley, a professor.\n\n“Each candidate talks to the base,” he said.", "Jeffery Hemsley"),
    ];
    for (text, speaker) in cases {
        assert_eq!(speaker_names(text), [speaker], "{text}");
    }
}

#[test]
fn he_added_colon() {
    let a = run("Finance Minister Karl Berg spoke first.\n\nHe added: “The budget is balanced for the first time.”");
    let q = direct(&a)[0];
    let s = q.speaker.as_ref().expect("a speaker");
    assert_eq!(
        (slice(&a.text, s.start, s.end).as_str(), s.name.as_str()),
        ("He", "Karl Berg")
    );
    assert_eq!(q.cue.as_ref().map(|c| c.text.as_str()), Some("added"));
}

#[test]
fn according_to_name() {
    let (_, mention, _, _, cue) =
        only("According to Sarah Klein, “the plan has no funding at all.”");
    assert_eq!(mention, "Sarah Klein");
    assert_eq!(cue.as_deref(), Some("According to"));
}

#[test]
fn split_quote_is_one_quote_with_two_segments() {
    let a = run(
        "Sen. Laura Diaz won the vote.\n\n“The vote was close,” she said. “But we won it fairly.”",
    );
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 1, "{quotes:#?}");
    let q = quotes[0];
    assert_eq!(q.segments.len(), 2);
    assert_eq!(
        slice(&a.text, q.segments[1].start, q.segments[1].end),
        "“But we won it fairly.”"
    );
    assert_eq!(q.text, "“The vote was close,” “But we won it fairly.”");
    assert_eq!(
        q.speaker.as_ref().map(|s| s.name.as_str()),
        Some("Laura Diaz")
    );
}

#[test]
fn quote_paragraph_continues_the_previous_speaker() {
    let a = run("“The first part of my answer is short,” Paul Hardy said.\n\n“The second part takes a little longer to tell.”");
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 2);
    assert_eq!(
        quotes[1].speaker.as_ref().map(|s| s.name.as_str()),
        Some("Paul Hardy")
    );
}

#[test]
fn colon_line_introduces_a_quote_paragraph() {
    let a = run("Paul Hardy spoke for an hour.\n\nHardy continued:\n\n“We cannot wait any longer for this bridge.”");
    let q = direct(&a)[0];
    let s = q.speaker.as_ref().expect("a speaker");
    assert_eq!(
        (slice(&a.text, s.start, s.end).as_str(), s.name.as_str()),
        ("Hardy", "Paul Hardy")
    );
    assert_eq!(q.cue.as_ref().map(|c| c.text.as_str()), Some("continued"));
}

#[test]
fn quote_over_two_paragraphs_is_one_quote() {
    let text = "“This is the first part of the statement.\n\n“This is the second part of it,” Paul Hardy said.";
    let a = run(text);
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 1, "{quotes:#?}");
    let q = quotes[0];
    assert_eq!(
        slice(&a.text, q.start, q.end),
        text.trim_end_matches(" Paul Hardy said.")
    );
    assert_eq!(
        q.speaker.as_ref().map(|s| s.name.as_str()),
        Some("Paul Hardy")
    );
}

#[test]
fn organization_speaks() {
    let (_, mention, name, role, cue) =
        only("“Exports fell sharply in March,” the statistics agency Statec reported.");
    assert_eq!(mention, "the statistics agency Statec");
    assert_eq!(
        (name.as_str(), role.as_deref(), cue.as_deref()),
        ("Statec", Some("statistics agency"), Some("reported"))
    );
}

#[test]
fn spokeswoman_apposition() {
    let (_, mention, name, _, _) =
        only("“We have no comment on the audit,” Mayor Bell’s spokeswoman, Dana Frost, said.");
    assert!(mention.contains("Dana Frost"), "{mention}");
    assert_eq!(name, "Dana Frost");
}

#[test]
fn surname_resolves_to_the_full_name() {
    let a = run("Paul Hardy runs the port.\n\n“Ships are waiting outside,” Hardy said on Sunday.");
    assert_eq!(
        direct(&a)[0].speaker.as_ref().map(|s| s.name.as_str()),
        Some("Paul Hardy")
    );
}

#[test]
fn straight_marks_and_guillemets() {
    let (q, _, _, _, _) = only("\"We are done with this case,\" Paul Hardy said.");
    assert_eq!(q, "\"We are done with this case,\"");
    let (q, _, _, _, _) = only("«We will win this race», said Marie Dubois.");
    assert_eq!(q, "«We will win this race»");
}

#[test]
fn indirect_speech() {
    let a = run("Paul Hardy said that the plan would cost far too much.\n\nThe port will stay open, the harbor authority said on Monday.");
    let indirect: Vec<String> = a
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Indirect)
        .map(|q| slice(&a.text, q.start, q.end))
        .collect();
    assert_eq!(
        indirect,
        vec![
            "the plan would cost far too much",
            "The port will stay open"
        ]
    );
    assert!(direct(&a).is_empty());
}

#[test]
fn apostrophes_and_scare_quotes_are_not_quotes() {
    let a = run("Russia may ‘reconsider’ its plan\n\nUkraine's '90s debt isn’t the ministry's problem, Paul Hardy said.");
    assert!(direct(&a).is_empty(), "{:#?}", a.quotes);
}

#[test]
fn titles_and_scare_quotes_in_double_marks_are_dropped() {
    let a = run("She appeared on “Saturday Night Live” and called it “fun.”");
    assert!(direct(&a).is_empty(), "{:#?}", a.quotes);
}

#[test]
fn quotes_are_ordered_by_start() {
    let a = run("“One two three,” Ann Lee said. Then Paul Hardy said, “Four five six.”\n\n“Seven eight nine,” he said.");
    let starts: Vec<usize> = a.quotes.iter().map(|q| q.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
    assert_eq!(direct(&a).len(), 3);
}

#[test]
fn reported_speech_inside_a_direct_quote_yields_to_it() {
    let a =
        run("“We met early. The mayor said that the plan would work. Then we left,” Ann Lee said.");
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    assert_eq!(a.quotes[0].kind, QuoteKind::Direct);
}

#[test]
fn phrasal_speech_verbs() {
    let (_, mention, _, _, cue) = only("“That is simply not true,” Ann Lee shot back.");
    assert_eq!(
        (mention.as_str(), cue.as_deref()),
        ("Ann Lee", Some("shot"))
    );
}

#[test]
fn colon_after_a_source() {
    let (_, mention, _, _, _) =
        only("More from the Gallup report: “Most states lean one way or the other this year.”");
    assert_eq!(mention, "the Gallup report");
}

#[test]
fn subject_with_a_title_before_the_name() {
    // Without a speech verb the sentence's subject speaks; it once stopped
    // at the title's period or at the first lowercase role word, and `Sen`
    // or `Democratic` became the speaker's name.
    for (text, mention, role) in [
        (
            "Sen. Maria Lopez called the plan “a waste of everyone’s money and time.”",
            "Sen. Maria Lopez",
            "Sen.",
        ),
        (
            "Democratic candidate Maria Lopez called the plan “a waste of everyone’s money and time.”",
            "Democratic candidate Maria Lopez",
            "Democratic candidate",
        ),
        (
            "Ohio Gov. Maria Lopez called the plan “a waste of everyone’s money and time.”",
            "Ohio Gov. Maria Lopez",
            "Ohio Gov.",
        ),
    ] {
        let (_, m, name, r, _) = only(text);
        assert_eq!(
            (m.as_str(), name.as_str(), r.as_deref()),
            (mention, "Maria Lopez", Some(role)),
            "{text}"
        );
    }
}

#[test]
fn an_adverb_before_the_subject_pronoun_is_not_a_name() {
    let (_, mention, name, _, _) = only(
        "Maria Lopez spoke first. Maybe she thinks the plan is “a waste of everyone’s money and time.”",
    );
    assert_eq!((mention.as_str(), name.as_str()), ("she", "Maria Lopez"));
}

#[test]
fn a_contraction_opening_the_sentence_is_not_its_subject() {
    // `It’s` once passed for a possessive (`Obama’s`) and became the name.
    let a =
        run("Ann Lee spoke first. It’s the plan that is “a waste of everyone’s money and time.”");
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 1, "{:#?}", a.quotes);
    // No speech verb and no name before the quote: no speaker, rather
    // than a wrong one.
    let name = quotes[0].speaker.as_ref().map(|s| s.name.as_str());
    assert_eq!(name, None);
}

#[test]
fn a_name_in_capitals_is_the_speaker_not_a_role() {
    for (text, name, role) in [
        ("“The vote is closed,” NBC News reported.", "NBC News", None),
        (
            "“The vote is closed,” the news agency RIA Novosti reported.",
            "RIA Novosti",
            Some("news agency"),
        ),
    ] {
        let (_, _, n, r, _) = only(text);
        assert_eq!((n.as_str(), r.as_deref()), (name, role), "{text}");
    }
}

#[test]
fn a_middle_initial_is_no_article() {
    let (_, mention, name, role, cue) = only(
        "The FBI said it would cooperate.\n\n“The FBI will be providing this information,” FBI General Counsel James A. Baker wrote in a letter.",
    );
    assert_eq!(mention, "FBI General Counsel James A. Baker");
    assert_eq!(name, "James A. Baker");
    assert_eq!(role.as_deref(), Some("FBI General Counsel"));
    assert_eq!(cue.as_deref(), Some("wrote"));
}

#[test]
fn a_statement_read() {
    let (_, mention, _, _, cue) = only(
        "The weather was bad.\n\n“Hillary Clinton should act like one, and come to Louisiana,” the editorial read.",
    );
    assert_eq!(mention, "the editorial");
    assert_eq!(cue.as_deref(), Some("read"));
}

#[test]
fn a_possessive_name_opens_the_speakers_noun_phrase() {
    let (_, mention, name, _, _) =
        only("Clinton’s top aide rallied supporters, saying: “We have to be ready to stop him.”");
    assert_eq!(mention, "Clinton’s top aide");
    assert_eq!(name, "Clinton’s top aide");
}

#[test]
fn the_possessor_of_the_speaker_is_not_the_speaker() {
    let speakers = speakers_with_roles("Sen. Hillary Clinton spoke in Iowa on Monday.\n\n“We are not worried about the polls,” Clinton’s campaign manager told reporters.\n\n“We will win this state,” Tad Devine, Clinton’s chief strategist, said.\n\n“It is the best plan,” Clinton’s campaign slogan says.");
    assert_eq!(
        speakers,
        vec![
            ("Clinton’s campaign manager".to_string(), None),
            (
                "Tad Devine".to_string(),
                Some("Clinton’s chief strategist".to_string())
            ),
            // What a slogan says are the person's words.
            ("Hillary Clinton".to_string(), Some("Sen.".to_string())),
        ]
    );
}

#[test]
fn an_unknown_speakers_apposition_is_a_role_unless_an_age_or_a_clause() {
    let speakers = speakers_with_roles("“I am done with it,” Butz, 49, told The Huffington Post.\n\n“We will win this state,” Devine, a chief strategist, said.\n\n“It is time to go,” Anderson, who works in Sacramento, said.");
    assert_eq!(
        speakers,
        vec![
            ("Butz".to_string(), None),
            ("Devine".to_string(), Some("chief strategist".to_string())),
            ("Anderson".to_string(), None),
        ]
    );
}

#[test]
fn a_known_speakers_apposition_is_a_role_without_its_article() {
    let a = run("Thomas Wiegold, an expert on defense affairs, noted that troop strength already lags the target.\n\n“The political message is that we want to grow,” Mr. Wiegold said.");
    let roles: Vec<(QuoteKind, Option<&str>)> = a
        .quotes
        .iter()
        .map(|q| {
            let s = q.speaker.as_ref().expect("a speaker");
            assert_eq!(s.name, "Thomas Wiegold", "{:#?}", a.quotes);
            (q.kind, s.role.as_deref())
        })
        .collect();
    assert_eq!(
        roles,
        [
            (QuoteKind::Indirect, Some("expert on defense affairs")),
            (QuoteKind::Direct, Some("expert on defense affairs")),
        ],
        "{:#?}",
        a.quotes
    );
}

#[test]
fn said_a_title_of_an_office_then_the_name() {
    for (text, name, role) in [
        (
            "“We are ready for this,” said Secretary of State John Kerry.",
            "John Kerry",
            "Secretary of State",
        ),
        (
            "“The first line of defense is within the community,” said former secretary of state Hillary Clinton, who praised him.",
            "Hillary Clinton",
            "former secretary of state",
        ),
    ] {
        let (_, _, got_name, got_role, _) = only(text);
        assert_eq!(got_name, name, "{text}");
        assert_eq!(got_role.as_deref(), Some(role), "{text}");
    }
}

#[test]
fn a_definite_description_is_the_last_named_person_whose_role_fits() {
    let (_, mention, name, role, _) =
        only("Sen. Bernie Sanders spoke in Iowa on Monday.\n\n“We will win this state,” the senator said.");
    assert_eq!(mention, "the senator");
    assert_eq!(name, "Bernie Sanders");
    assert_eq!(role.as_deref(), Some("senator"));
    // The last named is someone else, whose role does not say Florida.
    let (_, _, name, _, _) = only(
        "Marco Rubio appeared with Sen. Joni Ernst, R-Iowa.\n\n“We will see what it translates to,” the Florida senator told reporters.",
    );
    assert_eq!(name, "the Florida senator");
}
