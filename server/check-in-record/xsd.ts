/** STUB: interface fixed; implementation in progress. */

/** Absolute path of the check-in table's XSD (server/check-in-record/checkin-table.xsd). */
export declare function checkInXsdPath(): string;

/** Validates a file against the XSD (libxml2 as WebAssembly: no system package needed). */
export declare function validateCheckInXml(xml: string): Promise<{ valid: boolean; errors: string[] }>;
