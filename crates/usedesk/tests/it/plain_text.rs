//! A comment's HTML as plain text.

use usedesk::plain_text;

#[test]
fn plain_text_keeps_a_chat_message_with_its_line_breaks() {
    assert_eq!(
        plain_text("  Hi!\nMy order\t 1542\n\n\n\nis late  "),
        "Hi!\nMy order 1542\n\nis late"
    );
}

#[test]
fn plain_text_breaks_lines_at_block_tags_and_br_and_drops_other_tags() {
    assert_eq!(
        plain_text(
            "<p>One <i>two</i></p><ul><li>three</li><li>four</li></ul>five<br/>six<BR>seven"
        ),
        "One two\n\nthree\nfour\n\nfive\nsix\nseven"
    );
}

#[test]
fn plain_text_resolves_named_decimal_and_hex_references_and_keeps_unknown_ones() {
    assert_eq!(
        plain_text("a&nbsp;&lt;b&gt; &quot;c&quot; &#1071; &#x44F; &copy; &nosuch;"),
        "a <b> \"c\" Я я © &nosuch;"
    );
}

#[test]
fn plain_text_drops_scripts_styles_and_comments_with_their_content() {
    assert_eq!(
        plain_text("<style>p{}</style><script>alert(1)</script><!-- hidden -->Shown"),
        "Shown"
    );
}

#[test]
fn plain_text_keeps_a_lone_angle_bracket_and_ampersand_as_written() {
    assert_eq!(plain_text("2 < 3 & 4"), "2 < 3 & 4");
    assert_eq!(plain_text("x <"), "x <");
}

#[test]
fn plain_text_of_nothing_is_empty() {
    assert_eq!(plain_text(""), "");
    assert_eq!(plain_text("<p> </p><br>"), "");
}
