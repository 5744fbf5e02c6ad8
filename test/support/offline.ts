/** Types the conformance suite uses that an Offline test store replicates; others go to Main. */
export const REPLICATED = ["A", "B", "T", "T1", "t2", "Ü 😀", "Account", "Closing", "Counter", "Doc", "Input", "Item", "Order", "Row", "Scanned", "Sorted", "Thing", "Value", "Walk", "Line", "User"];

/** Every type the conformance suite uses. */
export const EVERY_TYPE = [...REPLICATED, "Other", "user", "users", "Never", "X", "Y", "Nothing", "Ünïcødé 😀", "Removed", "Lim", "Cancel", "Empty", "\uFEFFBom", "\uFEFF"];

/** The types most conformance cases use: a smaller replica where each sync costs HTTP requests. */
export const REPLICATED_FEW = ["A", "B", "Account", "Doc", "Item", "Row", "Sorted", "Walk", "T1", "t2", "Ü 😀"];
