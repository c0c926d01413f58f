#!/usr/bin/env python3
"""Writes the test cases of src/text/docfile.c into this folder: small Word (.docx) files built
with zipfile the way Word lays them out (numbering in word/numbering.xml, runs split mid-word,
revisions, tables), a GB18030 text, HTML pages, and broken files for the error cases. The files
are committed, so the tests never need Python; run this again only to change a case:

    python3 tests/data/docfile/make_cases.py

Each case NAME.EXT has NAME.expected.txt (the text it must convert to) or NAME.error (line 1: the
error code name, line 2: a piece of the Chinese message, optional line 3: "offset N")."""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DATE = (2026, 3, 1, 9, 0, 0)  # fixed, so the files do not change between runs

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')


def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def run(text):
    return '<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % esc(text)


def para(text, num=None, split=True):
    """A paragraph; num = (numId, ilvl). Text is split into runs of 7 characters, as Word does
    when formatting or spell-checking breaks a run in the middle of a sentence."""
    ppr = '<w:pPr><w:pStyle w:val="a3"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>'
    if num:
        ppr += '<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>' % (num[1], num[0])
    ppr += '</w:pPr>'
    pieces = [text[i:i + 7] for i in range(0, len(text), 7)] if split else [text]
    return '<w:p>' + ppr + ''.join(run(p) for p in pieces) + '</w:p>'


def level(ilvl, fmt, text, suff=None, start=1):
    s = '<w:lvl w:ilvl="%d"><w:start w:val="%d"/><w:numFmt w:val="%s"/>' % (ilvl, start, fmt)
    if suff:
        s += '<w:suff w:val="%s"/>' % suff
    return s + '<w:lvlText w:val="%s"/><w:lvlJc w:val="left"/></w:lvl>' % esc(text)


def numbering(abstracts, nums):
    """abstracts: {id: [level xml]}; nums: [(numId, abstractId, {ilvl: startOverride})]."""
    s = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering %s>' % W
    for aid, levels in abstracts.items():
        s += '<w:abstractNum w:abstractNumId="%d"><w:multiLevelType w:val="multilevel"/>%s</w:abstractNum>' % (
            aid, ''.join(levels))
    for nid, aid, overrides in nums:
        s += '<w:num w:numId="%d"><w:abstractNumId w:val="%d"/>' % (nid, aid)
        for lvl, start in overrides.items():
            s += '<w:lvlOverride w:ilvl="%d"><w:startOverride w:val="%d"/></w:lvlOverride>' % (lvl, start)
        s += '</w:num>'
    return s + '</w:numbering>'


def document(body):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document %s xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<w:body>%s<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>') % (W, body)


def write_zip(name, parts):
    with zipfile.ZipFile(os.path.join(HERE, name), 'w', zipfile.ZIP_DEFLATED) as z:
        for part, data in parts:
            info = zipfile.ZipInfo(part, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def write_docx(name, body, numbering_xml=None):
    parts = [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', RELS),
             ('word/document.xml', document(body))]
    if numbering_xml:
        parts.append(('word/numbering.xml', numbering_xml))
    write_zip(name, parts)


def write(name, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(os.path.join(HERE, name), mode, **({} if mode == 'wb' else {'encoding': 'utf-8', 'newline': ''})) as f:
        f.write(data)


def error(name, code, zh, offset=None):
    write(name + '.error', '%s\n%s\n' % (code, zh) + ('offset %d\n' % offset if offset is not None else ''))


# 1. A real policy (高新技术企业认定 第十一条, tests/data/extract) as Word writes it: （一）… and 1. …
# are Word's automatic numbering, not typed text.
with open(os.path.join(DATA, 'extract', 'hitech_article11.txt'), encoding='utf-8') as f:
    hitech = f.read()
body = ''
for line in hitech.splitlines():
    if line.startswith('（'):
        body += para(line[line.index('）') + 1:], num=(1, 0))
    elif line[:1].isdigit():
        body += para(line[line.index('.') + 2:], num=(1, 1))
    else:
        body += para(line)
write_docx('hitech.docx', body, numbering({0: [level(0, 'chineseCounting', '（%1）', 'nothing'),
                                             level(1, 'decimal', '%2.', 'space')]}, [(1, 0, {})]))
write('hitech.expected.txt', hitech)

# 2. Headings 一、二、 from a list, a second list restarting at 1 (startOverride), a bullet list
# (bullets are not text), revisions, tabs and breaks, and a table whose rows stay one line each.
num = numbering({0: [level(0, 'chineseCounting', '%1、', 'nothing'),
                     level(1, 'chineseCounting', '（%2）', 'nothing'),
                     level(2, 'decimalEnclosedCircle', '%3', 'nothing')],
                 1: [level(0, 'decimal', '%1.', 'tab')],
                 2: [level(0, 'bullet', '\uf0b7')]},
                [(1, 0, {}), (2, 1, {}), (3, 1, {0: 1}), (4, 2, {})])
cell = lambda *ps: '<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>%s</w:tc>' % ''.join(para(p, split=False) for p in ps)
body = (para('青岛市支持企业创新若干措施', split=False)
        + para('总体要求', num=(1, 0))
        + para('支持对象', num=(1, 1))
        + para('在本市注册的企业', num=(1, 2))
        + para('纳税信用等级为A级或B级', num=(1, 2))
        + para('支持方式', num=(1, 1))
        + para('支持措施', num=(1, 0))
        + para('研发投入', num=(2, 0))
        + para('人才引进', num=(2, 0))
        + para('重新编号', num=(3, 0))
        + para('要点一', num=(4, 0))
        + '<w:p><w:r><w:t>对符合条件的企业，给予</w:t></w:r>'
          '<w:del w:id="1" w:author="审核"><w:r><w:delText>五十万元</w:delText></w:r></w:del>'
          '<w:ins w:id="2" w:author="审核"><w:r><w:t>一百万元</w:t></w:r></w:ins>'
          '<w:r><w:t>奖励。</w:t></w:r></w:p>'
        + '<w:p><w:r><w:t>申报材料</w:t><w:tab/><w:t>见附件</w:t><w:br/><w:t>联系电话：0532-88888888</w:t></w:r></w:p>'
        + '<w:p><w:r><w:t>A &amp; B &lt;试点&gt;</w:t></w:r></w:p>'
        + '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
          '<w:tr>' + cell('项目') + cell('条件') + cell('奖励') + '</w:tr>'
          '<w:tr>' + cell('研发费用补助') + cell('研发费用500万元以上', '且增长10%') + cell('最高100万元') + '</w:tr>'
          '</w:tbl>'
        + para('以上措施自2026年3月1日起施行。', split=False))
write_docx('measures.docx', body, num)
write('measures.expected.txt', '青岛市支持企业创新若干措施\n'
      '一、总体要求\n（一）支持对象\n①在本市注册的企业\n②纳税信用等级为A级或B级\n（二）支持方式\n'
      '二、支持措施\n1. 研发投入\n2. 人才引进\n1. 重新编号\n要点一\n'
      '对符合条件的企业，给予一百万元奖励。\n'
      '申报材料 见附件\n联系电话：0532-88888888\n'
      'A & B <试点>\n'
      '项目\t条件\t奖励\n研发费用补助\t研发费用500万元以上 且增长10%\t最高100万元\n'
      '以上措施自2026年3月1日起施行。\n')

# 2b. Numbering through paragraph styles, as a drafting office's template does it: 标题 1 (styleId
# "1") numbers 一、 through its list, whose level 0 names the style; 标题 2 is based on a style that
# carries level 1 （一）; a paragraph whose own w:numPr has numId 0 keeps its style but no number.
def write_docx_styles(name, body, numbering_xml, styles_xml):
    write_zip(name, [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', RELS),
                     ('word/document.xml', document(body)), ('word/numbering.xml', numbering_xml),
                     ('word/styles.xml', styles_xml)])


def styled(text, style, numpr=''):
    return ('<w:p><w:pPr><w:pStyle w:val="%s"/>%s</w:pPr>%s</w:p>' % (style, numpr, run(text)))


lv0 = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="1"/>'
       '<w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>')
lv1 = ('<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
       '<w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/></w:lvl>')
num_styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering %s>'
              '<w:abstractNum w:abstractNumId="7">%s%s</w:abstractNum>'
              '<w:num w:numId="9"><w:abstractNumId w:val="7"/></w:num></w:numbering>') % (W, lv0, lv1)
styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles %s>'
          '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>'
          '<w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr></w:style>'
          '<w:style w:type="paragraph" w:styleId="20"><w:name w:val="list 2"/>'
          '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="9"/></w:numPr></w:pPr></w:style>'
          '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="20"/></w:style>'
          '</w:styles>') % W
body = (styled('总则', '1') + styled('适用范围', '2') + styled('支持对象', '2')
        + styled('不编号的标题', '1', '<w:numPr><w:numId w:val="0"/></w:numPr>')
        + styled('支持措施', '1') + styled('研发投入补助', '2') + styled('正文段落。', 'a'))
write_docx_styles('styles.docx', body, num_styles, styles)
write('styles.expected.txt', '一、总则\n（一）适用范围\n（二）支持对象\n不编号的标题\n二、支持措施\n（一）研发投入补助\n正文段落。\n')

# 3. A Word file without numbering.xml: plain paragraphs.
write_docx('plain.docx', para('第一条 为支持中小企业发展，制定本办法。') + para('第二条 本办法自发布之日起施行。'))
write('plain.expected.txt', '第一条 为支持中小企业发展，制定本办法。\n第二条 本办法自发布之日起施行。\n')

# 4. Plain text from Windows: GB18030 (with a character outside GBK, which needs four bytes).
with open(os.path.join(DATA, 'extract', 'articles.txt'), encoding='utf-8') as f:
    articles = f.read()
gb = articles + '附：企业名称中的生僻字“𠮷”照录。\n'
write('articles_gb18030.txt', gb.encode('gb18030'))
write('articles_gb18030.expected.txt', gb)
write('bom.txt', b'\xef\xbb\xbf' + '第一条 带 BOM 的 UTF-8 文本。\n'.encode('utf-8'))
write('bom.expected.txt', '第一条 带 BOM 的 UTF-8 文本。\n')
write('utf16.txt', b'\xff\xfe' + '第一条 记事本存成的 Unicode 文本。\n'.encode('utf-16-le'))
write('utf16.expected.txt', '第一条 记事本存成的 Unicode 文本。\n')

# 5. HTML pages as government sites publish them, one of them in GB2312.
page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>网站标题</title>'
        '<style>p { color: red; }</style><script>var x = "<p>不是正文</p>";</script></head>\n'
        '<body><div class="nav">首页 &gt; 政策文件</div>'
        '<p>第一条&nbsp;对认定的高新技术企业给予&#20116;十万元奖励。</p>'
        '<p>第二条 联系电话<br>0532-12345678</p>'
        '<table><tr><td>项目</td><td>金额</td></tr><tr><td>奖励</td><td>50万元</td></tr></table>'
        '<ul><li>附件1</li><li>附件2</li></ul><!-- 注释 --></body></html>\n')
write('page.html', page)
expected_page = ('首页 > 政策文件\n第一条 对认定的高新技术企业给予五十万元奖励。\n第二条 联系电话\n'
                 '0532-12345678\n项目\t金额\n奖励\t50万元\n附件1\n附件2\n')
write('page.expected.txt', expected_page)
gbpage = ('<html>\n<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
          '<body><p>第三条 本办法由市科技局负责解释。</p></body></html>')
write('page_gb2312.htm', gbpage.encode('gb18030'))
write('page_gb2312.expected.txt', '第三条 本办法由市科技局负责解释。\n')

# 6. Files that must be refused, each with the reason the officer sees.
write('not_zip.docx', '这其实是一个文本文件。\n')
error('not_zip', 'invalid', '不是 Word 文档')
write_zip('no_document.docx', [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', RELS)])
error('no_document', 'invalid', '不是 Word 文档')
with open(os.path.join(HERE, 'hitech.docx'), 'rb') as f:
    whole = f.read()
write('truncated.docx', whole[:len(whole) // 2])
error('truncated', 'invalid', '不是 Word 文档')
write('damaged.pdf', b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n')
error('damaged', 'parse', '不是 PDF 或文件已损坏')
write('old.doc', b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(504))
error('old', 'unsupported', '另存为 .docx')
# UTF-16 cut in the middle of a character (an odd number of bytes after the BOM)
write('utf16_cut.txt', b'\xff\xfe' + '第一条'.encode('utf-16-le') + b'\x2c')
error('utf16_cut', 'utf8', '无法按 UTF-16LE 解码')
write('bad_bytes.txt', b'abc\x81\x20def\xff')
error('bad_bytes', 'utf8', '既不是 UTF-8 也不是 GB18030', offset=3)
# a zip bomb: 65 MiB of document.xml that deflates to about 64 KiB
big = document('<w:p><w:r><w:t>' + ' ' * (65 << 20) + '</w:t></w:r></w:p>')
write_zip('bomb.docx', [('[Content_Types].xml', CONTENT_TYPES), ('word/document.xml', big)])
error('bomb', 'too_large', '解压后超过')
# entity expansion ("billion laughs"): a DTD is refused before any entity is expanded
lol = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
       '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
       '<w:document %s><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>' % W)
write_zip('dtd.docx', [('word/document.xml', lol)])
error('dtd', 'parse', 'DTD')
write_zip('bad_xml.docx', [('word/document.xml', document('<w:p><w:r><w:t>未闭合</w:r></w:p>'))])
error('bad_xml', 'parse', 'XML 格式错误')

# 7. PDFs, printed by Chromium when it is installed (the files are committed; Chromium is only
# needed to change them): a policy on a narrow page, so that its lines break mid-sentence the way
# an official PDF's do (hitech_pdf.expected.txt is what text_from_document gives: the sentences
# whole again; written from its output and checked by eye, then the test checks the clauses equal
# the text's), and a page with only a drawing (a scan: no text layer).
def print_pdf(name, page):
    import shutil, subprocess, tempfile
    chromium = shutil.which('chromium')
    if not chromium:
        print('chromium not found: %s not rebuilt' % name)
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'page.html')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(page)
        subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer',
                        '--print-to-pdf=' + os.path.join(HERE, name), src], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def pdf_page(title, lines):
    import html
    body = ''.join('<p>%s</p>\n' % html.escape(l) for l in lines if l.strip())
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
            '@page { size: 148mm 210mm; margin: 18mm 16mm; }'
            'body { font-family: "Noto Serif CJK SC", serif; font-size: 14px; line-height: 1.7; }'
            'h1 { font-size: 18px; text-align: center; } p { margin: 0 0 4px; text-indent: 2em; text-align: justify; }'
            '</style></head><body><h1>%s</h1>\n%s</body></html>' % (html.escape(title), body))


with open(os.path.join(DATA, 'extract', 'hitech_article11.txt'), encoding='utf-8') as f:
    print_pdf('hitech_pdf.pdf', pdf_page('高新技术企业认定管理办法（节选）', f.read().split('\n')))
print_pdf('scan.pdf', '<!doctype html><html><body><svg width="400" height="300"><rect x="20" y="20" width="300" '
          'height="200" fill="#888"/><circle cx="200" cy="120" r="60" fill="#333"/></svg></body></html>')
error('scan', 'unsupported', '没有可复制的文字')
