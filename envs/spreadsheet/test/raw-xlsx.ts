import JSZip from 'jszip';

// Builds .xlsx files part by part, for quirks exceljs cannot write (a formula's cached `<v>0</v>`,
// merged cells holding values, defined names without a value, drawings exceljs cannot place).

export interface RawSheet {
  name: string;
  /** The `<sheetData>` rows, e.g. `<row r="1"><c r="A1"><v>1</v></c></row>`. */
  rows: string;
  /** Elements after `<sheetData>` (mergeCells, drawing, tableParts), in schema order. */
  after?: string;
  /** The sheet's relationships: id -> target relative to xl/worksheets/. */
  rels?: Record<string, { type: string; target: string }>;
}

export interface RawBook {
  sheets: RawSheet[];
  /** Shared strings, by index. */
  strings?: string[];
  /** Elements of workbook.xml after `<sheets>` (definedNames). */
  workbookAfter?: string;
  /** `<cellXfs>` and what it needs, whole `<styleSheet>` body. */
  styles?: string;
  /** Any other parts: path -> content. */
  parts?: Record<string, string>;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const REL_TYPES = {
  table: `${REL}/table`,
  drawing: `${REL}/drawing`,
};

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rels(entries: Record<string, { type: string; target: string }>): string {
  const body = Object.entries(entries)
    .map(([id, r]) => `<Relationship Id="${id}" Type="${r.type}" Target="${r.target}"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG}">${body}</Relationships>`;
}

/** The .xlsx bytes of `book`. */
export async function rawXlsx(book: RawBook): Promise<Buffer> {
  const zip = new JSZip();
  const overrides = book.sheets.map(
    (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  );
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides.join('')}</Types>`,
  );
  zip.file('_rels/.rels', rels({ rId1: { type: `${REL}/officeDocument`, target: 'xl/workbook.xml' } }));
  const sheets = book.sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets}</sheets>${book.workbookAfter ?? ''}</workbook>`,
  );
  const workbookRels: Record<string, { type: string; target: string }> = {};
  book.sheets.forEach((_, i) => (workbookRels[`rId${i + 1}`] = { type: `${REL}/worksheet`, target: `worksheets/sheet${i + 1}.xml` }));
  if (book.strings) workbookRels.rIdStrings = { type: `${REL}/sharedStrings`, target: 'sharedStrings.xml' };
  if (book.styles) workbookRels.rIdStyles = { type: `${REL}/styles`, target: 'styles.xml' };
  zip.file('xl/_rels/workbook.xml.rels', rels(workbookRels));
  book.sheets.forEach((s, i) => {
    zip.file(
      `xl/worksheets/sheet${i + 1}.xml`,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${s.rows}</sheetData>${s.after ?? ''}</worksheet>`,
    );
    if (s.rels) zip.file(`xl/worksheets/_rels/sheet${i + 1}.xml.rels`, rels(s.rels));
  });
  if (book.strings) {
    const items = book.strings.map((t) => `<si><t xml:space="preserve">${escapeXml(t)}</t></si>`).join('');
    zip.file(
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${MAIN}" count="${book.strings.length}" uniqueCount="${book.strings.length}">${items}</sst>`,
    );
  }
  if (book.styles) zip.file('xl/styles.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="${MAIN}">${book.styles}</styleSheet>`);
  for (const [path, content] of Object.entries(book.parts ?? {})) zip.file(path, content);
  return zip.generateAsync({ type: 'nodebuffer' });
}
