/** NLSML results and the bounded XML reader beneath them. */
export * from './nlsml.js';
export {
  escapeXml,
  parseXml,
  textOf,
  childElements,
  localName,
  printXml,
  type XmlElement,
  type XmlNode,
  type XmlLimits,
  type XmlResult,
} from './safe-xml.js';
