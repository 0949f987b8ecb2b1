#pragma once
// The commands of the tool; each is defined in the source file of its name.

#include "cli_context.hpp"

namespace consist::inline v0::cli {

const command& runs_command();
const command& show_command();
const command& why_command();
const command& diff_command();
const command& lineage_command();
const command& export_command();
const command& doctor_command();
const command& merge_command();
const command& compact_command();
const command& rebuild_command();

}  // namespace consist::inline v0::cli
