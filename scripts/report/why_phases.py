"""why_phases.py - the function-to-phase map of the attribution pass (scripts/why.py).

A sample goes to the phase of the first function, from the sampled one outward toward
the root of its call chain, that this map names; a kernel chain with no named function
is "other kernel", a sample taken in user space is "user". So a helper shared by two
paths (vm_normal_page under both copy_pte_range and zap_pte_range, the page allocator
under a fault and under fork) lands in the phase of whoever called it, and a function
named here keeps its own time even under another phase's function (a spin lock inside
copy_page_range is "locks", as perf report's self column counts it).

Names are the kernel's symbols as perf prints them, without the compiler's suffixes
(.isra.0, .constprop.0, .part.0, .cold), for the 6.x kernels of the project's machines;
a function renamed by a later kernel falls into "other kernel" until it is added here,
which the report's "other kernel" share makes visible.
"""


def N_(s):
    return s


# The phases in the report's order, each with the words the report uses for it.
PHASES = [
    ("user", N_("user")),
    ("pt_copy", N_("page-table copy")),
    ("pt_teardown", N_("page-table teardown")),
    ("fault", N_("page fault and zeroing")),
    ("page_copy", N_("page copy")),
    ("memcg", N_("memory-cgroup charging")),
    ("locks", N_("locks")),
    ("tlb", N_("TLB shootdown")),
    ("sched", N_("scheduler")),
    ("other", N_("other kernel")),
]
PHASE_IDS = [p for p, _ in PHASES]

_FUNCTIONS = {
    # fork's copy of the address space: the mappings and their page tables (dup_mmap
    # duplicates each VMA, then copy_page_range its entries and the pages' references).
    "pt_copy": """dup_mm dup_mmap copy_page_range copy_p4d_range copy_pud_range
        copy_pmd_range copy_pte_range copy_present_pte copy_present_ptes
        copy_nonpresent_pte copy_huge_pmd copy_huge_pud anon_vma_fork anon_vma_clone
        vm_area_dup""",
    # Unmapping: exit's exit_mmap and munmap's path, the entries zapped, the pages they
    # held released, the page-table pages freed.
    "pt_teardown": """exit_mmap unmap_vmas unmap_single_vma unmap_page_range zap_p4d_range
        zap_pud_range zap_pmd_range zap_pte_range zap_present_ptes zap_huge_pmd
        zap_nonpresent_ptes free_pgtables free_pgd_range free_p4d_range free_pud_range
        free_pmd_range free_pte_range tlb_finish_mmu tlb_flush_mmu tlb_batch_pages_flush
        __tlb_batch_free_encoded_pages __tlb_remove_folio_pages
        free_pages_and_swap_cache folios_put_refs release_pages remove_vma
        vms_complete_munmap_vmas do_vmi_align_munmap do_vmi_munmap __vm_munmap
        __x64_sys_munmap""",
    # A fault and what it does for a page nobody had: allocate it and zero it.
    "fault": """asm_exc_page_fault exc_page_fault do_user_addr_fault handle_mm_fault
        __handle_mm_fault handle_pte_fault do_anonymous_page do_huge_pmd_anonymous_page
        __do_huge_pmd_anonymous_page alloc_anon_folio vma_alloc_folio clear_page_erms
        clear_page_rep clear_page_orig clear_huge_page folio_zero_user clear_subpage
        clear_user_highpage clear_highpage do_fault do_read_fault filemap_map_pages
        do_wp_page wp_page_copy wp_page_reuse do_huge_pmd_wp_page""",
    # The bytes of a copy-on-write copy themselves (the fault around them is "fault").
    "page_copy": """copy_mc_enhanced_fast_string copy_mc_fragile copy_mc_to_kernel
        copy_page copy_user_highpage copy_mc_user_highpage __wp_page_copy_user
        copy_highpage copy_user_large_folio copy_subpage""",
    "memcg": """__mem_cgroup_charge mem_cgroup_charge charge_memcg try_charge_memcg
        memcg1_commit_charge commit_charge page_counter_try_charge page_counter_charge
        page_counter_uncharge page_counter_cancel mem_cgroup_uncharge
        __mem_cgroup_uncharge __mem_cgroup_uncharge_folios __mem_cgroup_uncharge_list
        uncharge_batch uncharge_folio mem_cgroup_charge_statistics memcg_check_events
        memcg1_check_events __count_memcg_events count_memcg_events
        __mod_memcg_lruvec_state mod_memcg_lruvec_state __mod_memcg_state mod_memcg_state
        memcg_rstat_updated __memcg_kmem_charge_page __memcg_kmem_uncharge_page
        obj_cgroup_charge obj_cgroup_charge_pages obj_cgroup_uncharge_pages
        refill_obj_stock consume_obj_stock mod_objcg_state __memcg_slab_post_alloc_hook
        __memcg_slab_free_hook get_mem_cgroup_from_mm mem_cgroup_commit_charge
        memcg1_swapout""",
    # Spin locks, the mmap lock (a rwsem) and the per-VMA locks. Only the time spent
    # on a CPU is sampled: a task asleep waiting for a lock is not.
    "locks": """_raw_spin_lock _raw_spin_lock_irq _raw_spin_lock_irqsave _raw_spin_lock_bh
        _raw_spin_unlock _raw_spin_unlock_irq _raw_spin_unlock_irqrestore
        _raw_spin_unlock_bh _raw_spin_trylock _raw_read_lock _raw_read_unlock
        _raw_write_lock _raw_write_lock_irq _raw_write_unlock _raw_write_unlock_irq
        native_queued_spin_lock_slowpath queued_spin_lock_slowpath
        __pv_queued_spin_lock_slowpath __pv_queued_spin_unlock
        __pv_queued_spin_unlock_slowpath __raw_callee_save___pv_queued_spin_unlock
        __raw_callee_save___pv_queued_spin_unlock_slowpath down_read down_write up_read
        up_write down_read_trylock down_write_trylock down_read_killable
        down_write_killable rwsem_down_read_slowpath rwsem_down_write_slowpath
        rwsem_optimistic_spin rwsem_spin_on_owner rwsem_wake osq_lock osq_unlock
        mutex_lock mutex_unlock __mutex_lock mutex_spin_on_owner lock_vma_under_rcu
        vma_start_read vma_end_read vma_start_write __vma_start_write
        lock_mm_and_find_vma mmap_read_lock_killable __percpu_down_read""",
    # A TLB flush on another CPU: the sender's interrupt and wait, the receiver's
    # handler (counted where the interrupted task is one of the run's).
    "tlb": """flush_tlb_mm_range flush_tlb_multi native_flush_tlb_multi kvm_flush_tlb_multi
        smp_call_function_many_cond on_each_cpu_cond_mask flush_tlb_func
        arch_tlbbatch_flush sysvec_call_function sysvec_call_function_single
        __sysvec_call_function __sysvec_call_function_single
        __flush_smp_call_function_queue generic_smp_call_function_single_interrupt
        native_flush_tlb_one_user flush_tlb_one_user native_flush_tlb_local
        flush_tlb_batched_pending""",
    "sched": """schedule __schedule schedule_tail finish_task_switch __switch_to
        __switch_to_asm context_switch pick_next_task pick_next_task_fair
        put_prev_task_fair try_to_wake_up wake_up_new_task wake_up_process
        ttwu_do_activate enqueue_task_fair dequeue_task_fair enqueue_entity
        dequeue_entity dequeue_entities enqueue_task dequeue_task update_curr
        update_load_avg select_task_rq_fair sched_fork sched_cgroup_fork sched_post_fork
        psi_task_change psi_group_change psi_task_switch set_next_entity
        newidle_balance sched_balance_newidle load_balance sched_balance_rq
        task_tick_fair scheduler_tick sched_tick do_sched_yield __x64_sys_sched_yield
        __wake_up_common __wake_up autoremove_wake_function migrate_task_rq_fair
        schedule_idle""",
}

FUNCTION_PHASE = {f: phase for phase, words in _FUNCTIONS.items() for f in words.split()}
