// Which catalogue this build prices with, in a leaf module (no import of the package's data), so
// the pricing version's record and the admin page can name it without loading the catalogue.

/**
 * The catalogue this build prices with. `version` must be the installed package's version (a test
 * checks it), `date` the day that version (and its data) was published on npm: the date admins see.
 */
export const CATALOGUE = {
  package: "@pydantic/genai-prices",
  version: "0.1.8",
  date: "2026-09-23",
  provider: "openai",
} as const;

/** Where catalogue prices come from, in words (admin page, errors, the pricing version record). */
export const CATALOGUE_NAME = `${CATALOGUE.package}@${CATALOGUE.version} (${CATALOGUE.date}), provider ${CATALOGUE.provider}`;

/** `<package>@<version>`: what a pricing version records as the catalogue it was made with. */
export const CATALOGUE_VERSION = `${CATALOGUE.package}@${CATALOGUE.version}`;
