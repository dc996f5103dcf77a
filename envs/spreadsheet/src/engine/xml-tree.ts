import { SaxesParser } from 'saxes';

/** One XML element: its local name (prefix dropped), attributes as written, children and own text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses an XML document into a tree; throws (with saxes's position) when it is not well formed. */
export function parseXml(xml: string): XmlElement {
  // Positions cost time on every character and only serve error messages.
  const parser = new SaxesParser({ position: false });
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  parser.on('opentag', (tag) => {
    const colon = tag.name.indexOf(':');
    const element: XmlElement = {
      name: colon < 0 ? tag.name : tag.name.slice(colon + 1),
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    stack[stack.length - 1]!.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (text) => (stack[stack.length - 1]!.text += text));
  parser.on('cdata', (text) => (stack[stack.length - 1]!.text += text));
  parser.write(xml).close();
  const top = root.children[0];
  if (!top) throw new Error('the part holds no XML element');
  return top;
}

/** The children of `element` named `name`. */
export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] => (element ? element.children.filter((c) => c.name === name) : []);

/** The first child of `element` named `name`. */
export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => element?.children.find((c) => c.name === name);

/** Every text of `t` elements under `element` except phonetic runs (rPh), joined: a shared or inline string. */
export function stringText(element: XmlElement): string {
  if (element.name === 't') return element.text;
  if (element.name === 'rPh') return '';
  return element.children.map(stringText).join('');
}
