export * from "./errors";
export * from "./events";
export * from "./model";
export * from "./repository";
export * from "./wire";
export { validateName, validateTags, validateProfile, MAX_NAME_LENGTH, MAX_TAGS, MAX_REASON_LENGTH } from "./validate";
