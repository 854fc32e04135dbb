//! Symbols the MicroPython loader provides instead of an object file.

use crate::format::{RelocDest, FUN_TABLE_DATA_FIRST};

/// Prefix of the undefined symbols that name module qstrs: `__mpy_qstr_<name>`.
///
/// The linker gives each distinct name an entry of the module's qstr table; the symbol's
/// address is that 16-bit table entry, so reading a `u16` from it yields the runtime qstr.
pub const QSTR_SYMBOL_PREFIX: &str = "__mpy_qstr_";

/// Names of the data entries of `mp_fun_table`, starting at index 73.
const FUN_TABLE_DATA_NAMES: [&str; 14] = [
    "mp_type_type",
    "mp_type_str",
    "mp_type_list",
    "mp_type_dict",
    "mp_type_fun_builtin_0",
    "mp_type_fun_builtin_1",
    "mp_type_fun_builtin_2",
    "mp_type_fun_builtin_3",
    "mp_type_fun_builtin_var",
    "mp_type_Exception",
    "mp_stream_read_obj",
    "mp_stream_readinto_obj",
    "mp_stream_unbuffered_readline_obj",
    "mp_stream_write_obj",
];

/// The symbol name of data entry `index` of `mp_fun_table`, if it is one.
pub(crate) fn fun_table_data_name(index: u8) -> Option<&'static str> {
    let i = index.checked_sub(FUN_TABLE_DATA_FIRST)?;
    FUN_TABLE_DATA_NAMES.get(usize::from(i)).copied()
}

/// A symbol resolved by the loader at import time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum RuntimeSym {
    /// `mp_fun_table`.
    FunTable,
    /// The object `mp_fun_table[i]` points to (e.g. `mp_type_type`).
    FunTableData(u8),
    /// `mp_native_qstr_table` itself.
    QstrTable,
    /// A module qstr: entry `i` (1-based; 0 is the file name) of the qstr table.
    Qstr(String),
    /// `mp_native_obj_table`.
    ObjTable,
    /// `_GLOBAL_OFFSET_TABLE_`: the start of the GOT, which lives in text.
    GotBase,
}

impl RuntimeSym {
    /// Classifies `name`, or returns `None` for an ordinary symbol.
    pub fn from_name(name: &str) -> Option<RuntimeSym> {
        match name {
            "mp_fun_table" => return Some(RuntimeSym::FunTable),
            "mp_native_qstr_table" => return Some(RuntimeSym::QstrTable),
            "mp_native_obj_table" => return Some(RuntimeSym::ObjTable),
            "_GLOBAL_OFFSET_TABLE_" => return Some(RuntimeSym::GotBase),
            _ => {}
        }
        if let Some(q) = name.strip_prefix(QSTR_SYMBOL_PREFIX) {
            if !q.is_empty() {
                return Some(RuntimeSym::Qstr(q.to_string()));
            }
        }
        FUN_TABLE_DATA_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| RuntimeSym::FunTableData(FUN_TABLE_DATA_FIRST + i as u8))
    }

    /// The loader relocation that supplies this symbol's address, and the link-time value
    /// to store with it (`qstr_index` maps a qstr name to its table index).
    /// `None` for the GOT base, which is a text address.
    pub fn loader_value(&self, qstr_index: impl Fn(&str) -> u64) -> Option<(RelocDest, u64)> {
        Some(match self {
            RuntimeSym::FunTable => (RelocDest::FunTable, 0),
            RuntimeSym::FunTableData(i) => (RelocDest::FunTableEntry(*i), 0),
            RuntimeSym::QstrTable => (RelocDest::QstrTable, 0),
            RuntimeSym::Qstr(q) => (RelocDest::QstrTable, 2 * qstr_index(q)),
            RuntimeSym::ObjTable => (RelocDest::ObjTable, 0),
            RuntimeSym::GotBase => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_table_entries() {
        assert_eq!(
            RuntimeSym::from_name("mp_type_fun_builtin_1"),
            Some(RuntimeSym::FunTableData(78))
        );
        assert_eq!(
            RuntimeSym::from_name("mp_stream_write_obj"),
            Some(RuntimeSym::FunTableData(86))
        );
        assert_eq!(
            RuntimeSym::from_name("__mpy_qstr_hello"),
            Some(RuntimeSym::Qstr("hello".into()))
        );
        assert_eq!(RuntimeSym::from_name("__mpy_qstr_"), None);
        assert_eq!(RuntimeSym::from_name("memcpy"), None);
        assert_eq!(fun_table_data_name(82), Some("mp_type_Exception"));
        assert_eq!(fun_table_data_name(72), None);
    }
}
