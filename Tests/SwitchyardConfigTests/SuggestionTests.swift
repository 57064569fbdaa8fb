import Testing

@testable import SwitchyardConfig

struct SuggestionTests {
    /// Levenshtein distance counts insertions, deletions and substitutions.
    @Test func editDistance() {
        #expect(Suggestion.editDistance("proxy_pas", "proxy_pass") == 1)
        #expect(Suggestion.editDistance("lisetn", "listen") == 2)
        #expect(Suggestion.editDistance("", "pid") == 3)
        #expect(Suggestion.editDistance("same", "same") == 0)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }

    /// A name within two edits of a known directive is suggested.
    @Test func suggestsCloseName() {
        let names = DirectiveTable.knownNames
        #expect(Suggestion.closest(to: "proxy_pas", among: names) == "proxy_pass")
        #expect(Suggestion.closest(to: "worker_proceses", among: names) == "worker_processes")
        #expect(Suggestion.closest(to: "upstrem", among: names) == "upstream")
        #expect(Suggestion.closest(to: "includ", among: names) == "include")
    }

    /// A different capitalisation of a known name is suggested however far it is.
    @Test func suggestsCaseInsensitiveMatch() {
        #expect(Suggestion.closest(to: "LISTEN", among: DirectiveTable.knownNames) == "listen")
        #expect(Suggestion.closest(to: "Proxy_Timeout", among: DirectiveTable.knownNames) == "proxy_timeout")
    }

    /// Nothing is suggested for a name far from every directive.
    @Test func noSuggestionWhenFar() {
        #expect(Suggestion.closest(to: "location", among: DirectiveTable.knownNames) == nil)
        #expect(Suggestion.closest(to: "x", among: DirectiveTable.knownNames) == nil)
    }

    /// Ties resolve to the alphabetically first candidate, whatever the table order.
    @Test func tiesAreDeterministic() {
        #expect(Suggestion.closest(to: "ab", among: ["bb", "aa"]) == "aa")
        #expect(Suggestion.closest(to: "ab", among: ["aa", "bb"]) == "aa")
    }
}
