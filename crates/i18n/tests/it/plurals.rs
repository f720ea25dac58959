//! Plural forms: Russian one/few/many/other, and one/other elsewhere.

use i18n::{Arg, Lang, Translator};

fn count(lang: Lang, id: &str, n: impl Into<Arg>) -> String {
    Translator::global().t_args(lang, id, &[("count", n.into())])
}

/// Checks a message against `(count, expected text)` rows and reports
/// every row that differs at once.
fn assert_table(lang: Lang, id: &str, rows: &[(i64, &str)]) {
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|&(n, expected)| {
            let actual = count(lang, id, n);
            (actual != expected).then(|| format!("{n}: expected {expected:?}, got {actual:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{lang} {id}:\n{}", wrong.join("\n"));
}

#[test]
fn russian_contacts_found_agrees_with_the_count() {
    assert_table(
        Lang::Ru,
        "contacts-found",
        &[
            (1, "Найден 1 контакт"),
            (2, "Найдено 2 контакта"),
            (5, "Найдено 5 контактов"),
            (11, "Найдено 11 контактов"),
            (21, "Найден 21 контакт"),
            (22, "Найдено 22 контакта"),
            (25, "Найдено 25 контактов"),
        ],
    );
}

#[test]
fn russian_deals_count_agrees_with_the_count() {
    assert_table(
        Lang::Ru,
        "deals-count",
        &[
            (1, "1 сделка"),
            (2, "2 сделки"),
            (5, "5 сделок"),
            (11, "11 сделок"),
            (21, "21 сделка"),
            (22, "22 сделки"),
            (25, "25 сделок"),
        ],
    );
}

#[test]
fn russian_feed_more_agrees_with_the_count() {
    assert_table(
        Lang::Ru,
        "feed-more",
        &[
            (1, "Ещё 1 событие"),
            (2, "Ещё 2 события"),
            (5, "Ещё 5 событий"),
            (11, "Ещё 11 событий"),
            (21, "Ещё 21 событие"),
            (22, "Ещё 22 события"),
            (25, "Ещё 25 событий"),
        ],
    );
}

#[test]
fn russian_missing_required_fields_agrees_with_the_count() {
    assert_table(
        Lang::Ru,
        "form-missing-required",
        &[
            (1, "Не заполнено 1 обязательное поле"),
            (2, "Не заполнены 2 обязательных поля"),
            (5, "Не заполнено 5 обязательных полей"),
            (11, "Не заполнено 11 обязательных полей"),
            (21, "Не заполнено 21 обязательное поле"),
            (22, "Не заполнены 22 обязательных поля"),
            (25, "Не заполнено 25 обязательных полей"),
        ],
    );
}

#[test]
fn russian_form_errors_title_agrees_with_the_count() {
    assert_table(
        Lang::Ru,
        "form-errors-title",
        &[
            (1, "В форме 1 ошибка"),
            (2, "В форме 2 ошибки"),
            (5, "В форме 5 ошибок"),
            (11, "В форме 11 ошибок"),
            (21, "В форме 21 ошибка"),
            (22, "В форме 22 ошибки"),
            (25, "В форме 25 ошибок"),
        ],
    );
}

#[test]
fn russian_fractions_take_the_other_form() {
    // Act
    let text = count(Lang::Ru, "deals-count", 1.5);

    // Assert
    assert_eq!(text, "1.5 сделки");
}

#[test]
fn russian_length_limit_declines_the_word_for_characters() {
    // Arrange
    let translator = Translator::global();
    let too_long = |max: i64| {
        translator.t_args(
            Lang::Ru,
            "error-field-too-long",
            &[("field", Arg::from("Название")), ("max", Arg::from(max))],
        )
    };

    // Act
    let texts = [too_long(1), too_long(5), too_long(21), too_long(255)];

    // Assert
    assert_eq!(
        texts,
        [
            "Поле «Название» слишком длинное: не более 1 символа.",
            "Поле «Название» слишком длинное: не более 5 символов.",
            "Поле «Название» слишком длинное: не более 21 символа.",
            "Поле «Название» слишком длинное: не более 255 символов.",
        ]
    );
}

#[test]
fn english_spanish_and_portuguese_use_one_and_other() {
    assert_table(
        Lang::En,
        "contacts-found",
        &[
            (1, "1 contact found"),
            (2, "2 contacts found"),
            (21, "21 contacts found"),
        ],
    );
    assert_table(
        Lang::En,
        "feed-more",
        &[(1, "1 more event"), (2, "2 more events")],
    );
    assert_table(
        Lang::En,
        "form-errors-title",
        &[
            (1, "There is 1 error in the form"),
            (3, "There are 3 errors in the form"),
        ],
    );
    assert_table(
        Lang::Es,
        "contacts-found",
        &[
            (1, "Se encontró 1 contacto"),
            (2, "Se encontraron 2 contactos"),
            (21, "Se encontraron 21 contactos"),
        ],
    );
    assert_table(
        Lang::Es,
        "deals-count",
        &[(1, "1 negocio"), (2, "2 negocios")],
    );
    assert_table(
        Lang::Es,
        "form-missing-required",
        &[
            (1, "Falta 1 campo obligatorio"),
            (4, "Faltan 4 campos obligatorios"),
        ],
    );
    assert_table(
        Lang::Pt,
        "contacts-found",
        &[
            (1, "1 contato encontrado"),
            (2, "2 contatos encontrados"),
            (21, "21 contatos encontrados"),
        ],
    );
    assert_table(
        Lang::Pt,
        "deals-count",
        &[(1, "1 negócio"), (2, "2 negócios")],
    );
    assert_table(
        Lang::Pt,
        "feed-more",
        &[(1, "Mais 1 evento"), (2, "Mais 2 eventos")],
    );
}

#[test]
fn zero_reads_as_none_in_every_language() {
    // Act
    let texts: Vec<String> = Lang::ALL
        .into_iter()
        .map(|lang| count(lang, "contacts-found", 0))
        .collect();

    // Assert
    assert_eq!(
        texts,
        [
            "No contacts found",
            "No se encontraron contactos",
            "Nenhum contato encontrado",
            "Контакты не найдены"
        ]
    );
}
