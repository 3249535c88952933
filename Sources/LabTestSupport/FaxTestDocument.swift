import Foundation

/// Documents for fax tests: a PostScript file of numbered pages, each with its own text and
/// drawing, so that a page lost, repeated or damaged on the way shows in a comparison.
public enum FaxTestDocument {
    /// Write a `pages`-page PostScript document to `path`, `lines` lines of text on each
    /// (fewer lines: smaller pages, a shorter fax).
    public static func postscript(pages: Int, to path: String, lines: Int = 24, title: String = "PSTN Engine fax test") throws {
        var ps = "%!PS-Adobe-3.0\n%%Pages: \(pages)\n%%EndComments\n"
        for page in 1...max(1, pages) {
            ps += "%%Page: \(page) \(page)\n"
            ps += "/Helvetica-Bold findfont 28 scalefont setfont 60 760 moveto (\(title)) show\n"
            ps += "/Helvetica findfont 18 scalefont setfont 60 720 moveto (Page \(page) of \(pages)) show\n"
            for line in 0..<max(0, lines) {
                let y = 680 - line * 22
                ps += "60 \(y) moveto (Line \(line + 1) on page \(page): the quick brown fox jumps over \(page * 100 + line)) show\n"
            }
            ps += "4 setlinewidth newpath \(100 + page * 60) 100 \(30 + page * 10) 0 360 arc stroke\n"
            ps += "newpath 350 60 moveto \(350 + page * 40) 160 lineto 500 60 lineto closepath fill\n"
            ps += "showpage\n"
        }
        ps += "%%EOF\n"
        try ps.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
