"""The summary as an official document (.docx) in the format of GB/T 9704-2012 (党政机关公文格式).

``summary_docx(report)`` returns the bytes of a Word document; ``reports.summary`` writes its
sentences. The layout, from GB/T 9704-2012 §5 and §7:

* A4 (210 mm × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, leaving a
  156 mm × 225 mm text area of 22 lines × 28 characters: a line grid (``w:docGrid``, type
  ``lines``, pitch 225 mm / 22) and 3号 text condensed by 0.25 pt (``w:spacing``), so that 28
  characters of 16 pt fit in 156 mm (pitch 15.75 pt). Word's character grid
  (``linesAndChars``, pitch 156 mm / 28 = 15.79 pt) would do the same in Word and WPS, but
  LibreOffice gives every 16 pt character two cells of that grid (about 14 to a line), so the
  pitch is set by the characters' spacing instead, which every program honours.
* Title in 2号 (22 pt) 方正小标宋简体, centred; body in 3号 (16 pt) 仿宋_GB2312, justified,
  first lines indented by two characters; first-level headings 「一、」 in 黑体, second-level
  「（一）」 in 楷体, both 3号.
* Page numbers 「— N —」 in 4号 (14 pt) 宋体 at the outside corners, one character in from the
  edge of the text area: odd pages on the right, even pages on the left (different odd and
  even footers).

Fonts are named for East Asian text (``w:rFonts w:eastAsia``) as well as Latin, with no theme
fonts, and text is tagged zh-CN (``w:lang w:eastAsia``): Word and WPS on an office PC then use
the named fonts, and LibreOffice, where they are missing, falls back to Noto Sans/Serif CJK SC
rather than the Japanese faces. Every paragraph is ordinary text, editable in Word.
"""

import io
import math

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from reports.summary import summary_blocks

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体"
PAGE_NUMBER_FONT = "宋体"

SIZE_2 = Pt(22)  # 2号
SIZE_3 = Pt(16)  # 3号
SIZE_4 = Pt(14)  # 4号

# Paragraph styles: (name, font, size, alignment, first-line indent in characters, outline level)
STYLES = {
    "title": ("Official title", TITLE_FONT, SIZE_2, WD_ALIGN_PARAGRAPH.CENTER, 0, 0),
    "subtitle": ("Official subtitle", HEADING2_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "heading1": ("Official heading 1", HEADING1_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 1),
    "heading2": ("Official heading 2", HEADING2_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 2),
    "body": ("Official body", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, None),
    "placeholder": ("Official body", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, None),
}


def summary_docx(report):
    """The .docx bytes of the written summary of ``report`` (a reports.tallies.Report)."""
    blocks = summary_blocks(report)
    return document_bytes(blocks, title=_title_of(blocks))


def write_summary(report, output):
    """The written summary of ``report`` saved to ``output`` (a binary file); returns it
    rewound, for a response to stream."""
    blocks = summary_blocks(report)
    _document(blocks, title=_title_of(blocks)).save(output)
    output.seek(0)
    return output


def _title_of(blocks):
    return next((b.text for b in blocks if b.kind == "title"), "")


def document_bytes(blocks, *, title=""):
    """Lay out ``blocks`` (reports.summary.Block) as an official document; returns .docx bytes."""
    buffer = io.BytesIO()
    _document(blocks, title=title).save(buffer)
    return buffer.getvalue()


def _document(blocks, *, title=""):
    doc = Document()
    _set_defaults(doc)
    _set_page(doc)
    styles = _add_styles(doc)
    for block in blocks:
        paragraph = doc.add_paragraph(style=styles[block.kind])
        run = paragraph.add_run(block.text)
        if block.kind == "title":
            # A blank line of body text after the title, as GB/T 9704 §7.3.1 lays it out.
            doc.add_paragraph(style=styles["body"])
        if block.kind == "placeholder":
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    return doc


def file_name(report):
    """轮值活动工作总结_2018.docx, or …_2017-11-01_2019-07-31.docx."""
    return f"轮值活动工作总结_{report.period.slug}.docx"


# Fonts and language ------------------------------------------------------------------------


def set_fonts(rpr, name):
    """Name ``name`` for Latin and East Asian text on a w:rPr, dropping any theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), name)


def set_chinese(rpr):
    """Tag the text as Simplified Chinese (East Asian) and US English (Latin)."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_defaults(doc):
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    set_chinese(rpr)
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            rpr.append(size)
        size.set(qn("w:val"), str(int(SIZE_3.pt * 2)))
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    normal.font.name = BODY_FONT
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    set_chinese(normal.element.get_or_add_rPr())
    _single_spacing(normal.paragraph_format)
    # No extra space between Chinese and Latin letters or digits (2017年11月, not 2017 年 11 月).
    ppr = normal.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        ppr.insert_element_before(element, *_AFTER_AUTO_SPACE)
    settings = doc.settings.element
    theme_lang = OxmlElement("w:themeFontLang")
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")
    existing = settings.find(qn("w:themeFontLang"))
    if existing is not None:
        settings.replace(existing, theme_lang)
    else:
        settings.append(theme_lang)


def _single_spacing(paragraph_format):
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


# Page, grid and page numbers ---------------------------------------------------------------


def _set_page(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.header_distance = Mm(15)
    section.footer_distance = Mm(21)
    _set_grid(section)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def grid_pitches():
    """(line pitch in twips, character spacing in twentieths of a point) for 22 × 28.

    Both rounded down, so that 22 lines and 28 characters always fit: (579, -5).
    """
    text_width = Emu(PAGE_WIDTH - MARGINS["left"] - MARGINS["right"])
    text_height = Emu(PAGE_HEIGHT - MARGINS["top"] - MARGINS["bottom"])
    line_pitch = math.floor(text_height.twips / LINES_PER_PAGE)
    char_pitch = text_width.pt / CHARS_PER_LINE
    char_spacing = math.floor((char_pitch - SIZE_3.pt) * 20)
    return line_pitch, char_spacing


def _set_grid(section):
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.attrib.pop(qn("w:charSpace"), None)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(grid_pitches()[0]))


def set_spacing(rpr, twentieths):
    """Condense (negative) or expand the characters of a w:rPr, in twentieths of a point."""
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_AFTER_SPACING)
    spacing.set(qn("w:val"), str(twentieths))


# The elements that follow w:autoSpaceDN in a w:pPr (ECMA-376 §17.3.1.26, CT_PPrBase).
_AFTER_AUTO_SPACE = (
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


# The elements that follow w:spacing in a w:rPr (ECMA-376 §17.3.2.28, CT_RPr's sequence).
_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def _page_number(footer, alignment):
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = alignment
    _single_spacing(paragraph.paragraph_format)
    # 「空一字」: one 4号 character in from the outside edge.
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = SIZE_4
    else:
        paragraph.paragraph_format.left_indent = SIZE_4
    _number_run(paragraph, "— ")
    _field_run(paragraph, "begin")
    _number_run(paragraph, " PAGE ", instruction=True)
    _field_run(paragraph, "separate")
    _number_run(paragraph, "1")
    _field_run(paragraph, "end")
    _number_run(paragraph, " —")


def _number_font(run):
    run.font.size = SIZE_4
    run.font.name = PAGE_NUMBER_FONT
    rpr = run._element.get_or_add_rPr()
    set_fonts(rpr, PAGE_NUMBER_FONT)
    set_chinese(rpr)


def _number_run(paragraph, text, *, instruction=False):
    run = paragraph.add_run()
    _number_font(run)
    if instruction:
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = text
        run._element.append(element)
    else:
        run.text = text
    return run


def _field_run(paragraph, kind):
    run = paragraph.add_run()
    _number_font(run)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._element.append(char)


# Paragraph styles --------------------------------------------------------------------------


def _add_styles(doc):
    made = {}
    by_kind = {}
    for kind, (name, font, size, alignment, indent, outline) in STYLES.items():
        if name not in made:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = doc.styles["Normal"]
            style.quick_style = True
            style.font.size = size
            style.font.name = font
            rpr = style.element.get_or_add_rPr()
            set_fonts(rpr, font)
            set_chinese(rpr)
            if size == SIZE_3:
                set_spacing(rpr, grid_pitches()[1])
            fmt = style.paragraph_format
            fmt.alignment = alignment
            _single_spacing(fmt)
            if indent:
                fmt.first_line_indent = Pt(size.pt * indent)
                ind = style.element.get_or_add_pPr().get_or_add_ind()
                ind.set(qn("w:firstLineChars"), str(indent * 100))
            if kind.startswith("heading") or kind == "title":
                fmt.keep_with_next = True
            if outline is not None:
                level = OxmlElement("w:outlineLvl")
                level.set(qn("w:val"), str(outline))
                style.element.get_or_add_pPr().append(level)
            made[name] = style
        by_kind[kind] = made[name]
    return by_kind
